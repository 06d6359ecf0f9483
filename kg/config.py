"""Settings, read once from the environment.

=========================  ==============================================  ==================
variable                   meaning                                         default
=========================  ==============================================  ==================
KGTWIN_GRAPH_URI           Neo4j URI (bolt://, neo4j://, +s for TLS);      unset: embedded
                           unset means the embedded engine
KGTWIN_GRAPH_USER          Neo4j user                                      neo4j
KGTWIN_GRAPH_PASSWORD      Neo4j password                                  (none)
KGTWIN_GRAPH_DATABASE      Neo4j database                                  neo4j
KGTWIN_GRAPH_NAME          graph name inside the embedded engine           kgtwin
KGTWIN_DATA_DIR            embedded engine's data directory                user data dir
KGTWIN_FSYNC               embedded append-only-file fsync: always or      everysec
                           everysec (see README, Durability)
KGTWIN_ENGINE_PORT         also listen on this loopback TCP port           0 (no TCP)
=========================  ==============================================  ==================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from kg.errors import ConfigError, choices

__all__ = ["Settings", "load_settings"]

FSYNC_CHOICES = ("always", "everysec")


@dataclass(frozen=True)
class Settings:
    """Everything kgtwin reads from its environment."""

    graph_uri: str | None = None
    graph_user: str = "neo4j"
    graph_password: str | None = field(default=None, repr=False)
    graph_database: str = "neo4j"
    graph_name: str = "kgtwin"
    data_dir: Path = Path(platformdirs.user_data_dir("kgtwin"))
    fsync: str = "everysec"
    engine_port: int = 0

    @property
    def embedded(self) -> bool:
        """True when no Neo4j URI is configured."""
        return not self.graph_uri


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default: the process environment).

    Raises:
        ConfigError: a variable holds a value outside its choices.
    """
    e = dict(os.environ if env is None else env)
    fsync = e.get("KGTWIN_FSYNC", "everysec")
    if fsync not in FSYNC_CHOICES:
        raise ConfigError(
            f"KGTWIN_FSYNC={fsync!r} is not valid (choices: {choices(FSYNC_CHOICES)})"
        )
    port_text = e.get("KGTWIN_ENGINE_PORT", "0")
    try:
        port = int(port_text)
    except ValueError:
        raise ConfigError(f"KGTWIN_ENGINE_PORT={port_text!r} is not a port number") from None
    if not 0 <= port < 65536:
        raise ConfigError(f"KGTWIN_ENGINE_PORT={port} is out of range 0-65535")
    data_dir = e.get("KGTWIN_DATA_DIR") or platformdirs.user_data_dir("kgtwin")
    return Settings(
        graph_uri=e.get("KGTWIN_GRAPH_URI") or None,
        graph_user=e.get("KGTWIN_GRAPH_USER", "neo4j"),
        graph_password=e.get("KGTWIN_GRAPH_PASSWORD"),
        graph_database=e.get("KGTWIN_GRAPH_DATABASE", "neo4j"),
        graph_name=e.get("KGTWIN_GRAPH_NAME", "kgtwin"),
        data_dir=Path(data_dir).expanduser(),
        fsync=fsync,
        engine_port=port,
    )
