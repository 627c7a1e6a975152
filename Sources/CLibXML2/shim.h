#ifndef HUBD_CLIBXML2_SHIM_H
#define HUBD_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU, so encoding.h would pull in the system's ICU headers,
   whose UErrorCode clashes with the one Foundation carries. hubd only reads UTF-8, so hide ICU. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
#endif
