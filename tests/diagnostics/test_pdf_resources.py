"""WeasyPrint loads nothing but the application's own static files: no local file, no network."""

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.staticfiles import finders
from PIL import Image
from pypdf import PdfReader

from diagnostics.reports.fetcher import BASE_URL, ResourceRefused, StaticFilesFetcher
from diagnostics.reports.pdf import render_html, report_snapshot, write_pdf


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "https://exemple.localhost/static/pdf/report.css",
        "https://rapport.aeict.invalid.exemple.localhost/static/pdf/report.css",
        "data:text/css,body{color:red}",
        "ftp://127.0.0.1/static/pdf/report.css",
        BASE_URL + "etc/passwd",
        BASE_URL + "static/../../etc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        BASE_URL + "static/pdf/..%2f..%2f..%2fpyproject.toml",
        BASE_URL + "static//etc/passwd",
        BASE_URL + "static/%2fetc/passwd",
        BASE_URL + "static/pdf\\..\\..\\pyproject.toml",
        BASE_URL + "static/pdf/report.css%00.png",
        BASE_URL + "static/pdf/report.css?x=1",
        BASE_URL + "static/pdf/absent.css",
        BASE_URL + "static/",
    ],
)
def test_the_report_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(ResourceRefused):
        StaticFilesFetcher().fetch(url)


def test_the_report_fetcher_serves_a_static_file():
    response = StaticFilesFetcher().fetch(BASE_URL + "static/pdf/report.css")
    with open(finders.find("pdf/report.css"), "rb") as handle:
        assert response.read() == handle.read()
    assert response.content_type == "text/css"


@pytest.fixture
def listening_server():
    """A local HTTP server that records every request it receives."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def fonts_of(reader: PdfReader) -> set[str]:
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_a_report_with_injected_links_fetches_nothing_and_still_renders(
    diagnostic, listening_server, tmp_path
):
    origin, requests = listening_server
    picture = tmp_path / "picture.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    injected = (
        f'<img src="file://{picture}" alt="">'
        '<img src="file:///etc/passwd" alt="">'
        f'<img src="{origin}/image.png" alt="">'
        f'<link rel="stylesheet" href="{origin}/style.css">'
        f'<style>@import url("{origin}/imported.css");</style>'
        '<img src="/static/../../../etc/passwd" alt="">'
    )
    html = render_html(report_snapshot(diagnostic, "synthese"))
    html = html.replace("</body>", injected + "</body>")
    reader = PdfReader(io.BytesIO(write_pdf(html)))
    assert requests == []
    assert all(not page.images for page in reader.pages)
    assert len(reader.pages) >= 2
    assert fonts_of(reader)
    assert all("Lato" in font or "DejaVu" in font for font in fonts_of(reader)), fonts_of(reader)
