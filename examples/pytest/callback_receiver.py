"""The shop's callback endpoint on http.server in a thread: verify the signature, then record the callback."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from finpay_signature import verify


class CallbackReceiver:
    """Listens on 127.0.0.1 (every interface when `public_host` names how the simulator reaches it) on a free port."""

    def __init__(self, merchant_key: str, public_host: str = "") -> None:
        self.merchant_key = merchant_key
        self._accepted: list[bytes] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("0.0.0.0" if public_host else "127.0.0.1", 0), self._handler())
        self.url = f"http://{public_host or '127.0.0.1'}:{self._server.server_port}/finpay/callback"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def accepted(self, order_id: str) -> list[bytes]:
        """The raw bytes of every callback the endpoint accepted for `order_id`."""
        with self._lock:
            return [raw for raw in self._accepted if json.loads(raw)["order"]["id"] == order_id]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not verify(raw, receiver.merchant_key):
                    self._answer(401, {"responseCode": "4010000", "responseMessage": "Invalid signature"})
                    return
                # A real shop marks the order paid here; this one keeps the exact bytes for the test to read.
                with receiver._lock:
                    receiver._accepted.append(raw)
                self._answer(200, {"responseCode": "2000000", "responseMessage": "Success"})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: pytest shows failures, not every request."""

        return Handler
