"""Render deploy/nginx/folkhalsa.conf for the loopback: `make load` and tests/test_deployment.py.

The production file is a site (an `http` block's servers); this wraps it in a complete nginx
configuration that runs as an ordinary process: ports above 1024 on 127.0.0.1, a self-signed
certificate, every path (pid, logs, temporary files) in one directory.

    python -m load.nginx_conf DIR --https-port 8443 --http-port 8080 --app-port 8001 \
        --static-root PATH [--certificate]
"""

import argparse
import os
import shutil
import subprocess
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "folkhalsa.conf"
HOST = "folkhalsa.example.se"
CERTIFICATE = f"/etc/letsencrypt/live/{HOST}/fullchain.pem"
KEY = f"/etc/letsencrypt/live/{HOST}/privkey.pem"
STATIC_ROOT = "/srv/folkhalsa/app/staticfiles/"
APP = "server 127.0.0.1:8001"
MIME_TYPES = "/etc/nginx/mime.types"
# Started by root, nginx runs its workers as Debian's nginx user, who must write the temporary
# files (large documents are buffered on disk) and read the static files.
WORKER_USER = "www-data"


def loopback_site(
    *, directory: Path, https_port: int, http_port: int, app_port: int, static_root: Path
) -> str:
    """Return the production site with the operator's values set for this machine's loopback."""
    site = SITE.read_text()
    replacements = {
        "listen [::]:80;": "",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        CERTIFICATE: str(directory / "cert.pem"),
        KEY: str(directory / "key.pem"),
        STATIC_ROOT: f"{static_root}/",
        APP: f"server 127.0.0.1:{app_port}",
        f"server_name {HOST};": "server_name 127.0.0.1;",
        f"Host {HOST};": "Host 127.0.0.1;",
        "root /var/www/letsencrypt;": f"root {directory};",
    }
    for placeholder, value in replacements.items():
        if placeholder not in site:
            raise ValueError(f"{SITE} no longer holds {placeholder!r}: update load/nginx_conf.py")
        site = site.replace(placeholder, value)
    return site


def loopback_config(*, directory: Path, site: str) -> str:
    """Return a whole nginx.conf around the site, every file it writes inside `directory`."""
    temp = directory / "tmp"
    user = f"user {WORKER_USER};" if os.geteuid() == 0 else ""
    return f"""# Rendered by load/nginx_conf.py from deploy/nginx/folkhalsa.conf: loopback only.
{user}
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    access_log {directory}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""


def self_signed_certificate(directory: Path) -> None:
    """Make a self-signed certificate for 127.0.0.1 with openssl, valid two days."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
        check=True,
        capture_output=True,
    )


def write(
    *, directory: Path, https_port: int, http_port: int, app_port: int, static_root: Path
) -> Path:
    """Write nginx.conf (and its certificate) into `directory`; return the file's path."""
    (directory / "tmp").mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        directory.chmod(0o755)
        shutil.chown(directory / "tmp", user=WORKER_USER)
    self_signed_certificate(directory)
    site = loopback_site(
        directory=directory,
        https_port=https_port,
        http_port=http_port,
        app_port=app_port,
        static_root=static_root,
    )
    path = directory / "nginx.conf"
    path.write_text(loopback_config(directory=directory, site=site))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--https-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--app-port", type=int, required=True)
    parser.add_argument("--static-root", type=Path, required=True)
    arguments = parser.parse_args()
    print(
        write(
            directory=arguments.directory.resolve(),
            https_port=arguments.https_port,
            http_port=arguments.http_port,
            app_port=arguments.app_port,
            static_root=arguments.static_root.resolve(),
        )
    )


if __name__ == "__main__":
    main()
