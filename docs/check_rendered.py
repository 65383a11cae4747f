"""Check that the built documentation renders in a real browser (headless chromium).

Run after the HTML build, from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python docs/check_rendered.py [--build-dir docs/_build/html]

For the front page, the gallery's index and a gallery example (see ``PAGES``):

1. every local file the HTML refers to (``<img src/srcset>``, ``<link href>``,
   ``<script src>``) exists in the build;
2. chromium loads the page (``--dump-dom``, with a few lines of JavaScript added
   that wait for every image and report which loaded): the title is the
   expected one, the page holds at least the expected number of images, every
   image decoded to a non-empty bitmap and every stylesheet loaded;
3. a screenshot of the page is not blank (many distinct colours, and not all
   background).

Exits 0 when all hold, 1 when a check fails, 2 when chromium is missing.
Needs numpy and matplotlib (to read the screenshot), both in the docs extra.
"""

import argparse
import html as html_module
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# (page, words its <title> must contain, fewest <img> in the rendered page)
PAGES = [
    ("index.html", "sklearn-backprop", 0),
    ("auto_examples/index.html", "Examples", 6),
    ("auto_examples/plot_decision_surfaces.html", "Decision surfaces", 1),
    ("auto_examples/plot_digits_learning_curves.html", "Learning curves on the digits", 2),
]
BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=5000",
]
ATTEMPTS = 3
# Tall enough that a gallery page's first figure is in the screenshot.
WINDOW_SIZE = "--window-size=1200,3600"
# Added to a copy of the page: when it has loaded (the load event waits for
# every image and stylesheet), write what the browser saw into the DOM, which
# --dump-dom prints. (Sphinx and sphinx-gallery do not lazy-load images.)
PROBE = """
<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const sheets = Array.from(document.querySelectorAll('link[rel="stylesheet"]'));
  const report = {
    title: document.title,
    images: images.length,
    brokenImages: images
      .filter((img) => !(img.complete && img.naturalWidth > 0))
      .map((img) => img.getAttribute("src")),
    imageSizes: images.map((img) => [img.getAttribute("src"), img.naturalWidth, img.naturalHeight]),
    stylesheets: sheets.length,
    brokenStylesheets: sheets.filter((link) => !link.sheet).map((link) => link.href),
  };
  const out = document.createElement("pre");
  out.id = "render-check-report";
  out.textContent = JSON.stringify(report);
  document.body.appendChild(out);
});
</script>
"""


class References(HTMLParser):
    """The title and the URLs of images, stylesheets and scripts of a page."""

    def __init__(self):
        super().__init__()
        self.urls, self.images, self.title, self._in_title = [], 0, "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images += 1
            self.urls.append(attrs.get("src"))
            for candidate in (attrs.get("srcset") or "").split(","):
                self.urls.append(candidate.strip().split(" ")[0])
        elif tag == "link" and {"stylesheet", "icon", "preload"} & set(
            (attrs.get("rel") or "").split()
        ):
            self.urls.append(attrs.get("href"))
        elif tag == "script":
            self.urls.append(attrs.get("src"))
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def local_files(page, urls):
    """The files of the build that the page's local URLs point at."""
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:  # http:, data:, //host, #anchor
            continue
        yield url, (page.parent / unquote(parts.path)).resolve()


def find_chromium():
    candidates = [os.environ.get("CHROMIUM", ""), *BROWSERS]
    return next((shutil.which(name) for name in candidates if name and shutil.which(name)), None)


def run_chromium(chromium, profile, *arguments):
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, WINDOW_SIZE, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited with {result.returncode}:\n{result.stderr[-2000:]}")
    return result.stdout


def browser_report(chromium, page, workdir):
    """Load a copy of the page, with PROBE added, and return what PROBE found."""
    html = page.read_text(encoding="utf-8")
    # The copy lives elsewhere: <base> resolves its relative URLs in the build.
    base = f'<base href="{page.parent.as_uri()}/">'
    html = re.sub(r"<head([^>]*)>", lambda m: f"<head{m.group(1)}>{base}", html, count=1)
    html = html.replace("</body>", PROBE + "</body>", 1)
    probe_page = workdir / "probe.html"
    probe_page.write_text(html, encoding="utf-8")
    for attempt in range(1, ATTEMPTS + 1):
        profile = workdir / f"profile-dom-{attempt}"
        dom = run_chromium(chromium, profile, "--dump-dom", probe_page.as_uri())
        # (The theme's scripts may add attributes to the <pre>.)
        found = re.search(r'<pre id="render-check-report"[^>]*>(.*?)</pre>', dom, re.DOTALL)
        if found is not None:
            break
        # On a loaded machine chromium now and then dumps the DOM before the
        # load event; the page is checked again.
        print(f"  (attempt {attempt}: chromium dumped the DOM before the load event)")
    else:
        raise RuntimeError(f"the page did not finish loading in {ATTEMPTS} attempts")
    report = json.loads(html_module.unescape(found.group(1)))
    report["dom_chars"] = len(dom)
    return report


def screenshot_stats(chromium, page, workdir):
    """Screenshot the page; return (width, height, distinct colours, non-white share)."""
    import matplotlib.image
    import numpy as np

    png = workdir / "screenshot.png"
    run_chromium(chromium, workdir / "profile-shot", f"--screenshot={png}", page.as_uri())
    pixels = matplotlib.image.imread(png)[..., :3]
    height, width = pixels.shape[:2]
    colours = len(np.unique((pixels * 255).round().astype(np.uint8).reshape(-1, 3), axis=0))
    background = np.median(pixels.reshape(-1, 3), axis=0)
    not_background = float(np.mean(np.abs(pixels - background).max(axis=2) > 0.05))
    return width, height, colours, not_background, png


def check_page(chromium, build, name, title_words, min_images, keep):
    page = build / name
    problems = []
    if not page.is_file():
        return [f"{name}: not built"], {}
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    files = list(local_files(page, parser.urls))
    missing = sorted({url for url, path in files if not path.is_file()})
    problems += [f"{name}: refers to {url}, which is not in the build" for url in missing]

    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        report = browser_report(chromium, page, workdir)
        width, height, colours, not_background, png = screenshot_stats(chromium, page, workdir)
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(png, keep / (name.replace("/", "__").removesuffix(".html") + ".png"))

    if title_words not in report["title"]:
        problems.append(f"{name}: title {report['title']!r} lacks {title_words!r}")
    if report["images"] < min_images:
        problems.append(f"{name}: {report['images']} images rendered, expected {min_images}+")
    problems += [f"{name}: image {src} did not load" for src in report["brokenImages"]]
    problems += [f"{name}: stylesheet {h} did not load" for h in report["brokenStylesheets"]]
    if colours < 16 or not_background < 0.01:
        problems.append(f"{name}: the screenshot looks blank ({colours} colours)")

    loaded = report["images"] - len(report["brokenImages"])
    print(f"{name}")
    print(f"  title: {report['title']}")
    print(
        f"  HTML: {parser.images} <img>, {len(files)} local references, "
        f"{len(files) - len(missing)} present in the build"
    )
    print(
        f"  chromium: {loaded}/{report['images']} images loaded, "
        f"{report['stylesheets'] - len(report['brokenStylesheets'])}/{report['stylesheets']} "
        f"stylesheets, DOM {report['dom_chars']:,} characters"
    )
    for src, w, h in report["imageSizes"]:
        print(f"    {src}: {w}x{h}")
    print(
        f"  screenshot: {width}x{height}, {colours} distinct colours, "
        f"{not_background:.0%} of pixels not background"
    )
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--build-dir",
        type=Path,
        default=Path(__file__).parent / "_build" / "html",
        help="the HTML build (default: docs/_build/html)",
    )
    parser.add_argument(
        "--keep-screenshots", type=Path, default=None, help="copy the screenshots here"
    )
    args = parser.parse_args()

    chromium = find_chromium()
    if chromium is None:
        print(
            "check_rendered: no chromium found (tried $CHROMIUM, " + ", ".join(BROWSERS) + "); "
            "install it, e.g. apt-get install -y chromium",
            file=sys.stderr,
        )
        return 2
    build = args.build_dir.resolve()
    print(f"checking {build} with {chromium}\n")
    problems = []
    for name, title_words, min_images in PAGES:
        problems += check_page(
            chromium, build, name, title_words, min_images, args.keep_screenshots
        )
    print()
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print(f"OK: {len(PAGES)} pages rendered, every image and stylesheet loaded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
