"""The action server, in one process: ``python -m bot.action_server --port 5055``.

``python -m rasa_sdk`` serves its app through Sanic's worker manager: besides the worker
that answers Rasa, a main process that imports every action (and so the whole catalog
code), Python's resource tracker and a spawned helper stay up — about 130 MB that answer
nothing (docs/BENCHMARKS.md). This serves rasa-sdk's own app (the same routes, listeners
and plugins, built by ``rasa_sdk.endpoint.create_app_for_serve``) in this process alone.
More action servers are more processes (``bot.services``, deploy/docker-compose.yml), not
more workers of one.
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import DEFAULT_ENDPOINTS_PATH, DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_SERVER_PORT)
    parser.add_argument("--actions", default="actions", help="the package of the actions")
    parser.add_argument("--endpoints", default=DEFAULT_ENDPOINTS_PATH, help="tracing settings")
    args = parser.parse_args(argv)

    # rasa-sdk's own logging: its INFO, the web server's errors only.
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions)
    # Only Rasa calls the action server: no browser origin is allowed (no CORS).
    app = create_app_for_serve(executor, cors_origins=None, endpoints=args.endpoints)
    # rasa-sdk's convention: the address from SANIC_HOST; loopback unless configured.
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.run(host=host, port=args.port, single_process=True, access_log=False)


if __name__ == "__main__":
    main()
