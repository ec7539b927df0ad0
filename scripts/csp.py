#!/usr/bin/env python3
"""Trunk post-build hook: adds a strict Content-Security-Policy to the inspector's
index.html. Trunk writes one inline module script (the wasm loader); its SHA-256
is allowed by hash, so no 'unsafe-inline' is needed. WebAssembly needs
'wasm-unsafe-eval'; connections may go to any ws:/wss: broker the user picks."""
import base64
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
path = os.path.join(staging, "index.html")
html = open(path, encoding="utf-8").read()
hashes = [
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
    for body in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
    if body.strip()
]
policy = "; ".join([
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "base-uri 'none'",
    "form-action 'none'",
])
meta = '<meta http-equiv="Content-Security-Policy" content="%s" />' % policy
html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', "", html)
charset = re.search(r"<meta charset=[^>]*>", html)
if charset:
    html = html[: charset.end()] + "\n    " + meta + html[charset.end() :]
else:
    html = html.replace("<head>", "<head>\n    " + meta, 1)
open(path, "w", encoding="utf-8").write(html)
