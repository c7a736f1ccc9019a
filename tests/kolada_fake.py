"""A local stand-in for Kolada's API: recorded answers served over HTTP on 127.0.0.1.

The recorded answers in tests/fixtures/kolada/ keep Kolada's own addresses in `next_url`; the
fake serves them with its own address instead, so the client follows them here.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"
KOLADA = "https://api.kolada.se/v3"


class FakeKolada:
    """Answers GET requests by path (with query) from the routes given; 404 otherwise."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.requests: list[str] = []
        self.fallback = None  # a function of the path returning (status, object), for many ids
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path.removeprefix("/v3"))
                status, body = fake.answer(self.path.removeprefix("/v3"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeKolada":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str) -> tuple[int, bytes]:
        if path in self.routes:
            return self.routes[path]
        if self.fallback is not None:
            status, data = self.fallback(path)
            return status, self._body(json.dumps(data, ensure_ascii=False))
        return 404, b'{"error": "not found"}'

    def serve(self, path: str, fixture: str) -> None:
        """Answer the path with a recorded answer."""
        self.routes[path] = (200, self._body((FIXTURES / fixture).read_text(encoding="utf-8")))

    def serve_raw(self, path: str, body: bytes, status: int = 200) -> None:
        """Answer the path with exactly these bytes and status."""
        self.routes[path] = (status, body)

    def _body(self, text: str) -> bytes:
        return text.replace(KOLADA, self.url).encode()

    def serve_norberg(self) -> None:
        """Serve ohälsotal (N00957, by sex, in two pages) and a key figure without a split
        (N00938) for Norberg (1962), Region Västmanland (0019) and the country, 2022–2023."""
        self.serve("/kpi/N00957", "kpi_N00957.json")
        self.serve("/kpi/N00938", "kpi_N00938.json")
        self.serve("/kpi/N00957,N00938", "kpi_N00957_N00938.json")
        self.serve("/municipality/1962,0019,0000", "municipality_1962_0019_0000.json")
        self.serve(
            "/data/kpi/N00957/municipality/1962,0019,0000/year/2022,2023", "data_N00957_page1.json"
        )
        self.serve(NEXT_PAGE, "data_N00957_page2.json")
        self.serve(
            "/data/kpi/N00938/municipality/1962,0019,0000/year/2022,2023", "data_N00938.json"
        )
        self.serve(
            "/data/kpi/N00957,N00938/municipality/1962,0019,0000/year/2022,2023",
            "data_N00957_N00938.json",
        )


NEXT_PAGE = "/data/kpi/N00957/municipality/1962,0019,0000/year/2022,2023?page=2&per_page=3"
