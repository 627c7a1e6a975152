"""An AMQP 1.0 client (python-qpid-proton) standing in for Helsenorge.Messaging in hubd's tests.

    amqp10_client.py send URL QUEUE   < JSON {"id", "subject", "content_type", "reply_to",
                                              "correlation_id", "properties": {...},
                                              "body_hex", "body_form": "data" | "value-binary" | "value-string"}
    amqp10_client.py receive URL QUEUE TIMEOUT_SECONDS
        prints JSON {"id", "subject", "correlation_id", "reply_to", "content_type", "to",
                     "properties": {...}, "body_hex"} of the next message, and accepts it;
        exits 3 when none arrives in time.

URL is the broker's amqp:// URL (the 1.0 plugin listens on the AMQP port). QUEUE is an existing
queue, addressed as /amq/queue/QUEUE so that the plugin neither declares nor changes it.
Exit 0 on success, 1 on failure (one line on stderr), 2 on bad usage.
"""
import json
import sys
from urllib.parse import urlparse

try:
    from proton import Message, symbol
    from proton.utils import BlockingConnection
except ImportError as error:  # the Swift test reports this as a failure, never a skip
    print(f"amqp10_client: python-qpid-proton is missing ({error}): run scripts/setup", file=sys.stderr)
    sys.exit(1)


def connect(url):
    parts = urlparse(url)
    return BlockingConnection(
        f"{parts.hostname}:{parts.port or 5672}", user=parts.username or "guest",
        password=parts.password or "guest", allowed_mechs="PLAIN", timeout=30)


def text(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def send(url, queue):
    spec = json.load(sys.stdin)
    body = bytes.fromhex(spec.get("body_hex", ""))
    form = spec.get("body_form", "data")
    message = Message(
        id=spec.get("id"), subject=spec.get("subject"), reply_to=spec.get("reply_to"),
        correlation_id=spec.get("correlation_id"),
        content_type=symbol(spec["content_type"]) if spec.get("content_type") else None,
        properties=spec.get("properties") or {}, durable=True,
        body=body.decode("utf-8") if form == "value-string" else body,
        # inferred: bytes go in a data section, as Helsenorge.Messaging sends them; otherwise
        # in an amqp-value.
        inferred=(form == "data"))
    connection = connect(url)
    try:
        connection.create_sender(f"/amq/queue/{queue}").send(message, timeout=30)
    finally:
        connection.close()


def receive(url, queue, timeout):
    connection = connect(url)
    try:
        receiver = connection.create_receiver(f"/amq/queue/{queue}", credit=1)
        try:
            message = receiver.receive(timeout=timeout)
        except Exception as error:  # proton.Timeout: nothing arrived
            if type(error).__name__ == "Timeout":
                print(f"amqp10_client: nothing arrived on {queue} within {timeout}s", file=sys.stderr)
                sys.exit(3)
            raise
        receiver.accept()
        body = message.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is None:
            body = b""
        elif not isinstance(body, (bytes, bytearray, memoryview)):
            raise SystemExit(f"amqp10_client: body of type {type(body).__name__}")
        json.dump({
            "id": text(message.id), "subject": message.subject, "correlation_id": text(message.correlation_id),
            "reply_to": message.reply_to, "content_type": text(message.content_type), "to": message.address,
            "properties": {str(k): text(v) for k, v in (message.properties or {}).items()},
            "body_hex": bytes(body).hex(),
        }, sys.stdout)
    finally:
        connection.close()


def main(argv):
    if len(argv) == 4 and argv[1] == "send":
        send(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "receive":
        receive(argv[2], argv[3], float(argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except SystemExit:
        raise
    except Exception as error:
        print(f"amqp10_client: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
