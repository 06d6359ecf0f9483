"""A shared publish/subscribe channel for derived events (alerts), across kgtwin processes.

With the embedded engine the channel is the engine's own Redis pub/sub, reached on its unix
socket, so several ``kgtwin serve`` processes sharing one engine see each other's events.
On Neo4j deployments set ``KGTWIN_PUBSUB_URL`` (``redis://host:6379/0``) to a Redis server
all processes reach; without one the channel is in-process only (one server process).

This is the only module outside the store classes that touches an engine connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Any

import redis
import redis.asyncio as aioredis

from kg.errors import StoreUnavailable

__all__ = ["PubSub"]


class PubSub:
    """Publish messages to named channels and iterate the messages of one channel.

    Args:
        socket_path: unix socket of a Redis-compatible server (the embedded engine).
        url: a ``redis://`` or ``unix://`` URL (``KGTWIN_PUBSUB_URL``).

    With neither, messages stay inside this process.
    """

    def __init__(self, *, socket_path: str | None = None, url: str | None = None) -> None:
        self.socket_path = socket_path
        self.url = url
        self._sync: redis.Redis | None = None
        self._local: dict[str, set[asyncio.Queue[str]]] = {}
        self._loops: dict[int, asyncio.AbstractEventLoop] = {}

    @classmethod
    def for_store(cls, store: Any, *, url: str | None = None) -> PubSub:
        """The channel that suits ``store``: ``url`` if given, else the embedded engine's."""
        if url:
            return cls(url=url)
        socket_path = getattr(store, "socket_path", None)
        return cls(socket_path=socket_path if isinstance(socket_path, str) else None)

    @property
    def shared(self) -> bool:
        """True when messages reach other processes."""
        return bool(self.socket_path or self.url)

    def _client(self) -> redis.Redis:
        if self._sync is None:
            if self.url:
                self._sync = redis.Redis.from_url(self.url, socket_timeout=5)
            else:
                self._sync = redis.Redis(unix_socket_path=self.socket_path, socket_timeout=5)
        return self._sync

    def _async_client(self) -> aioredis.Redis:
        if self.url:
            return aioredis.Redis.from_url(self.url)
        return aioredis.Redis(unix_socket_path=self.socket_path)

    def publish(self, channel: str, message: str) -> int:
        """Send ``message`` to every subscriber of ``channel``; returns how many received it.

        Safe to call from worker threads.

        Raises:
            StoreUnavailable: the shared channel cannot be reached.
        """
        if not self.shared:
            return self._publish_local(channel, message)
        try:
            return int(self._client().publish(channel, message))
        except (redis.exceptions.RedisError, OSError) as exc:
            raise StoreUnavailable(f"pub/sub channel is unreachable: {exc}") from exc

    def _publish_local(self, channel: str, message: str) -> int:
        queues = list(self._local.get(channel, ()))
        for q in queues:
            loop = self._loops.get(id(q))
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(q.put_nowait, message)
        return len(queues)

    async def subscribe(self, channel: str) -> AsyncGenerator[str, None]:
        """Yield each message published to ``channel`` from now on, until cancelled."""
        if not self.shared:
            async for message in self._subscribe_local(channel):
                yield message
            return
        client = self._async_client()
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(channel)
            while True:
                msg = await pubsub.get_message(timeout=1.0)
                if msg is None:
                    continue
                data = msg.get("data")
                yield data.decode() if isinstance(data, bytes) else str(data)
        except (redis.exceptions.RedisError, OSError) as exc:
            raise StoreUnavailable(f"pub/sub channel is unreachable: {exc}") from exc
        finally:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                await pubsub.unsubscribe(channel)
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            with contextlib.suppress(Exception):
                await client.aclose()

    async def _subscribe_local(self, channel: str) -> AsyncGenerator[str, None]:
        q: asyncio.Queue[str] = asyncio.Queue()
        self._loops[id(q)] = asyncio.get_running_loop()
        self._local.setdefault(channel, set()).add(q)
        try:
            while True:
                yield await q.get()
        finally:
            self._local.get(channel, set()).discard(q)
            self._loops.pop(id(q), None)

    def subscribers(self, channel: str) -> int:
        """How many subscribers ``channel`` has right now (all processes when shared)."""
        if not self.shared:
            return len(self._local.get(channel, ()))
        try:
            res = self._client().pubsub_numsub(channel)
        except (redis.exceptions.RedisError, OSError) as exc:
            raise StoreUnavailable(f"pub/sub channel is unreachable: {exc}") from exc
        return int(res[0][1]) if res else 0

    def close(self) -> None:
        """Release the publishing connection."""
        if self._sync is not None:
            self._sync.close()
            self._sync = None
