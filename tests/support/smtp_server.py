"""The tests' SMTP server: aiosmtpd's Mailbox handler on a socket the test
already bound (inherited as file descriptor 3).

The test binds the port and keeps it from then on, so no other process can
take it between "pick a free port" and "listen" (the cause of a flaky mail
test: two servers, or an app and a server, on one port). Until this server
listens, connections to the reserved port are refused, which the tests use
as "the SMTP server is down".

Usage: python3 smtp_server.py MAILDIR   (messages land in MAILDIR/new/)
"""

import asyncio
import socket
import sys

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP


async def main(maildir: str) -> None:
    sock = socket.socket(fileno=3)
    sock.listen(128)
    handler = Mailbox(maildir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), sock=sock)
    print("ready", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
