/// libFuzzer's entry point, linked only into the fuzzing build (`-sanitize=fuzzer`, whose
/// runtime brings `main`); each target defines `fuzzOne`.
@_cdecl("LLVMFuzzerTestOneInput")
func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
