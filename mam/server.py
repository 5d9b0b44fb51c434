"""`python -m mam.server`: Daphne as MAM runs it (same arguments as `python -m daphne`).

One change to Daphne: Twisted no longer parses POST bodies itself. By default it reads every
multipart/form-data body into memory and parses it on the event loop before the application
sees it: an upload costs several times its size (a 256 MiB upload peaked at +3.2 GB and
stalled every other request for 17 s), and a malformed one is answered with a bare 400 with
no body. Django parses the body anyway, streaming to disk, and answers in the contract's
format.
"""

from __future__ import annotations

from typing import Any

from daphne import http_protocol
from daphne.cli import CommandLineInterface


class BodyPassingRequest(http_protocol.WebRequest):
    """Daphne's request, with Twisted's own form parsing off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parsePOSTFormSubmission"] = False
        super().__init__(*args, **kwargs)


def main() -> None:
    # Daphne's HTTPFactory looks the request class up on its module when a connection opens.
    http_protocol.WebRequest = BodyPassingRequest
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
