"""Captures what RabbitMQ's AMQP 1.0 plugin hands a 0-9-1 consumer for messages an AMQP 1.0 client
sent: the source of Tests/AMQPBridgeTests/AMQP10Fixtures.swift.

    amqp10_capture.py OUT.json      (broker on 127.0.0.1:5682, guest/guest, plugin enabled)

Needs python-qpid-proton and pika (a throw-away venv; pika is not among the project's tools).
hubd itself reads the same headers through rabbitmq-c in AMQP10InteropTests (real broker, real hub).
"""
import sys, pika, uuid, json, binascii
from proton import Message, symbol
from proton.utils import BlockingConnection
URL1 = "amqp://guest:guest@127.0.0.1:5682"
q = "hubd-amqp10-capture-" + uuid.uuid4().hex[:8]
conn = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5682/"))
ch = conn.channel()
ch.queue_declare(q, durable=False, auto_delete=False)
c = BlockingConnection("127.0.0.1:5682", user="guest", password="guest", allowed_mechs="PLAIN")
snd = c.create_sender(q)
body = b'<?xml version="1.0" encoding="utf-8"?><MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24"/>'
msgs = {
 "data": Message(id="0f8fad5b-d9cb-469f-a165-70867728950e", subject="DIALOG_INNBYGGER_EKONTAKT", reply_to="8142987_async",
   correlation_id="0f8fad5b-d9cb-469f-a165-70867728950e", content_type=symbol("application/xml"), address="hubd.submit",
   properties={"fromHerId": "8142987", "toHerId": "8142988", "applicationTimeStamp": "2026-12-03T10:00:00.123+01:00", "cpaId": ""},
   body=body, inferred=True),
 "amqpvalue-string": Message(id="id-2", subject="APPREC", properties={"fromHerId": 8142987, "n": 1.5, "b": True}, body=body.decode()),
 "amqpvalue-binary": Message(id=uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e"), properties={"t": 1}, body=body, inferred=False),
}
out = {}
for name, m in msgs.items():
    snd.send(m)
    for _ in range(50):
        mf, props, b = ch.basic_get(q, auto_ack=True)
        if mf: break
        import time; time.sleep(0.1)
    h = props.headers or {}
    def raw(v):
        if v is None: return None
        return binascii.hexlify(v if isinstance(v, bytes) else v.encode()).decode()
    out[name] = {"type": props.type, "message_id": repr(props.message_id), "correlation_id": repr(props.correlation_id), "reply_to": props.reply_to,
       "content_type": props.content_type, "delivery_mode": props.delivery_mode, "headers": sorted(h.keys()),
       "properties": raw(h.get("x-amqp-1.0-properties")), "app_properties": raw(h.get("x-amqp-1.0-app-properties")), "body": binascii.hexlify(b).decode()}
c.close()
ch.queue_delete(q); conn.close()
json.dump(out, open(sys.argv[1], "w"), indent=1)
