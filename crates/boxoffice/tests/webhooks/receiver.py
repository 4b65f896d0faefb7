"""A webhook receiver for the tests: verifies every delivery with the Standard Webhooks
reference library and records it.

Prints its port on the first line of stdout, then serves until killed:
  POST /hooks/<name>            a delivery: verified with <name>'s secret, recorded;
                                answers 204, 401 if the signature does not verify, or a
                                planned failure
  PUT  /control/<name>/secret   body: the endpoint's whsec_ secret
  PUT  /control/<name>/failures body: {"count": n, "status": 500}: the next n deliveries fail
  GET  /control/<name>/received the deliveries so far, oldest first
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
SECRETS = {}
FAILURES = {}
RECEIVED = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length)

    def answer(self, status, payload=None):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "hooks":
            return self.answer(404)
        name, body = parts[1], self.body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = {
            "webhook_id": headers.get("webhook-id"),
            "webhook_timestamp": headers.get("webhook-timestamp"),
            "content_type": headers.get("content-type"),
            "received_at": time.time(),
            "body": body.decode(),
        }
        with LOCK:
            secret = SECRETS.get(name)
            failure = FAILURES.get(name)
            if failure and failure["count"] > 0:
                failure["count"] -= 1
            else:
                failure = None
        try:
            if secret is None:
                raise WebhookVerificationError("no secret for this endpoint yet")
            record["payload"] = Webhook(secret).verify(body, headers)
            record["verified"] = True
        except WebhookVerificationError as err:
            record["verified"] = False
            record["error"] = str(err)
        record["answered"] = failure["status"] if failure else (204 if record["verified"] else 401)
        with LOCK:
            RECEIVED.setdefault(name, []).append(record)
        self.answer(record["answered"])

    def do_PUT(self):
        parts = self.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "control":
            return self.answer(404)
        name, what, body = parts[1], parts[2], self.body()
        with LOCK:
            if what == "secret":
                SECRETS[name] = body.decode()
            elif what == "failures":
                FAILURES[name] = json.loads(body)
            else:
                return self.answer(404)
        self.answer(204)

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "control" or parts[2] != "received":
            return self.answer(404)
        with LOCK:
            received = list(RECEIVED.get(parts[1], []))
        self.answer(200, received)


class Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections the sender opens at once (then retried
    # by TCP a second later), which would time the receiver rather than the sender.
    request_queue_size = 128


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
