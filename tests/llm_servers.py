"""Local HTTP servers that speak the OpenAI chat-completions and the Ollama protocol.

They run `http.server` in a thread on 127.0.0.1 with a random port, stream like the real
servers (SSE `data:` lines / NDJSON) and record every request, so tests exercise
langchain-openai and langchain-ollama exactly as production does.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class Behaviour:
    replies: list[str] = field(default_factory=lambda: ["In den Unterlagen finde ich dazu nichts."])
    models: list[str] = field(default_factory=lambda: ["test-modell"])
    api_key: str | None = None  # required bearer key (OpenAI), if any
    stall_after: int | None = None  # stop sending after this many chunks
    status: int = 200  # for chat requests: e.g. 404 for an unknown model


class FakeServer:
    """Base: a threaded server with a request log; subclasses speak a protocol."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.requests: list[Recorded] = []
        self.release = threading.Event()  # ends stalled responses at shutdown
        self._calls = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server._record(self, None)
                server.handle_get(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server._record(self, body)
                server.handle_post(self, body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def chats(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    def next_reply(self) -> str:
        replies = self.behaviour.replies
        reply = replies[min(self._calls, len(replies) - 1)]
        self._calls += 1
        return reply

    def chunks(self, text: str) -> Iterator[str]:
        for i, piece in enumerate(_WORDS.findall(text)):
            if self.behaviour.stall_after is not None and i >= self.behaviour.stall_after:
                self.release.wait(10)
                return
            yield piece

    def _record(self, handler: BaseHTTPRequestHandler, body: dict[str, Any] | None) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.requests.append(Recorded(handler.command, handler.path, headers, body))

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def handle_post(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        raise NotImplementedError


def _send_json(handler: BaseHTTPRequestHandler, status: int, payload: object) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class OpenAIServer(FakeServer):
    """`GET /v1/models`, `POST /v1/chat/completions` (JSON or SSE stream)."""

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        key = self.behaviour.api_key
        if key is None or handler.headers.get("Authorization") == f"Bearer {key}":
            return True
        _send_json(handler, 401, {"error": {"message": "Invalid API key", "type": "auth"}})
        return False

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path != "/v1/models":
            _send_json(handler, 404, {"error": {"message": "not found"}})
        elif self._authorised(handler):
            data = [{"id": m, "object": "model", "owned_by": "test"} for m in self.behaviour.models]
            _send_json(handler, 200, {"object": "list", "data": data})

    def handle_post(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if handler.path != "/v1/chat/completions":
            _send_json(handler, 404, {"error": {"message": "not found"}})
            return
        if not self._authorised(handler):
            return
        if self.behaviour.status != 200 or body.get("model") not in self.behaviour.models:
            _send_json(handler, 404, {"error": {"message": "model not found", "type": "x"}})
            return
        reply = self.next_reply()
        base = {"id": "chatcmpl-1", "created": 1, "model": body["model"]}
        if not body.get("stream"):
            message = {"role": "assistant", "content": reply}
            _send_json(
                handler,
                200,
                {
                    **base,
                    "object": "chat.completion",
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                },
            )
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()

        def event(delta: dict[str, Any], finish: str | None = None) -> None:
            chunk = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            handler.wfile.flush()

        event({"role": "assistant", "content": ""})
        for piece in self.chunks(reply):
            event({"content": piece})
        if self.release.is_set():
            return
        event({}, "stop")
        handler.wfile.write(b"data: [DONE]\n\n")


class OllamaServer(FakeServer):
    """`GET /api/tags`, `POST /api/chat` (NDJSON stream)."""

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path != "/api/tags":
            _send_json(handler, 404, {"error": "not found"})
            return
        models = [
            {"name": m, "model": m, "modified_at": "2025-01-01T00:00:00Z", "size": 4_700_000_000}
            for m in self.behaviour.models
        ]
        _send_json(handler, 200, {"models": models})

    def handle_post(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if handler.path != "/api/chat":
            _send_json(handler, 404, {"error": "not found"})
            return
        if body.get("model") not in self.behaviour.models:
            _send_json(handler, 404, {"error": f"model '{body.get('model')}' not found"})
            return
        reply = self.next_reply()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/x-ndjson")
        handler.end_headers()
        stamp = "2025-01-01T00:00:00Z"
        for piece in self.chunks(reply):
            line = {
                "model": body["model"],
                "created_at": stamp,
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
            handler.wfile.write((json.dumps(line) + "\n").encode())
            handler.wfile.flush()
        if self.release.is_set():
            return
        done = {
            "model": body["model"],
            "created_at": stamp,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "total_duration": 1000,
            "load_duration": 10,
            "prompt_eval_count": 50,
            "prompt_eval_duration": 100,
            "eval_count": 20,
            "eval_duration": 200,
        }
        handler.wfile.write((json.dumps(done) + "\n").encode())
