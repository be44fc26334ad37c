#!/usr/bin/python3
"""tests/tools/smtp_sink.py - a local SMTP server for tests/sh/smtp_delivery.sh.

    smtp_sink.py DIR PORTFILE          accept mail, store each message
    smtp_sink.py --mute PORTFILE       accept connections, never answer
    smtp_sink.py --free-port           print a port nothing listens on

It listens on 127.0.0.1 on a port the kernel chooses and writes that port to
PORTFILE (atomically) once it accepts connections.  Each message received
becomes DIR/msg-N.eml (the data, line ends turned back into "\\n") with its
envelope in DIR/msg-N.env ("from ADDR" and one "rcpt ADDR" line each); the
.eml file appears last, complete.  It runs until it is killed.
"""
import asyncio
import os
import socket
import sys

from aiosmtpd.smtp import SMTP


def write_atomic(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.rename(path + ".tmp", path)


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "msg-%d" % self.count)
        env = "from %s\n" % envelope.mail_from
        env += "".join("rcpt %s\n" % r for r in envelope.rcpt_tos)
        write_atomic(base + ".env", env.encode())
        content = envelope.original_content or envelope.content
        write_atomic(base + ".eml", content.replace(b"\r\n", b"\n"))
        return "250 OK stored"


async def mute(reader, writer):
    await asyncio.sleep(3600)


async def serve(directory, portfile, silent):
    loop = asyncio.get_running_loop()
    if silent:
        server = await asyncio.start_server(mute, "127.0.0.1", 0)
    else:
        handler = Sink(directory)
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    write_atomic(portfile, b"%d\n" % port)
    async with server:
        await server.serve_forever()


def main(argv):
    if argv[1:] == ["--free-port"]:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
        s.close()
        return 0
    if len(argv) == 3 and argv[1] == "--mute":
        asyncio.run(serve(None, argv[2], True))
    elif len(argv) == 3:
        asyncio.run(serve(argv[1], argv[2], False))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
