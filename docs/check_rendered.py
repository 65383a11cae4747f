"""Check that the built documentation renders in a real browser (headless chromium).

Run after the HTML build, from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python docs/check_rendered.py [--build-dir docs/_build/html]

For the pages in ``PAGES`` and the API page of every public class of
``sklearn_backprop.__all__`` (exceptions aside):

1. every local file the HTML refers to (``<img src/srcset>``, ``<link href>``,
   ``<script src>``) exists in the build;
2. chromium loads the page, 1400 px wide (``--dump-dom``, with a few lines of
   JavaScript added that wait for every image and report what they found): the
   title is the expected one, the page holds at least the expected number of
   images, every image decoded to a non-empty bitmap and every stylesheet
   loaded, the page's heading fits its box (not cut off), so do the entries of
   the right-hand "On this page" list and the signatures of the API pages, and
   a "Section Navigation" sidebar that is shown holds links;
3. a screenshot of the page is not blank (many distinct colours, and not all
   background);
4. a class's API page documents, and lists in its "Methods" table, every public
   method of the class (taken from the class itself), and shows the
   sphinx-gallery mini-gallery "Examples using ..." with at least one example;
5. every example in ``examples/`` drew a figure of its own, which its gallery
   page shows (so that its gallery card is not the placeholder thumbnail).

Exits 0 when all hold, 1 when a check fails, 2 when chromium is missing.
Needs numpy and matplotlib (to read the screenshot), both in the docs extra,
and sklearn_backprop itself (for its public classes).
"""

import argparse
import html as html_module
import inspect
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
    ("getting_started.html", "Getting started", 0),
    ("user_guide.html", "User guide", 0),
    ("deploy.html", "Deploy and scale", 0),
    ("benchmarks.html", "Benchmarks", 1),
    ("api.html", "API reference", 0),
    ("auto_examples/index.html", "Examples", 6),
    ("auto_examples/plot_decision_surfaces.html", "Decision surfaces", 1),
    ("auto_examples/plot_digits_learning_curves.html", "Learning curves on the digits", 2),
]
EXAMPLES = Path(__file__).parents[1] / "examples"
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
# A common laptop width, at which long API titles were once cut off; tall
# enough that a gallery page's first figure is in the screenshot.
WINDOW_SIZE = "--window-size=1400,3600"
# Added to a copy of the page: when it has loaded (the load event waits for
# every image and stylesheet), write what the browser saw into the DOM, which
# --dump-dom prints. (Sphinx and sphinx-gallery do not lazy-load images.)
PROBE = """
<script>
window.addEventListener("load", () => {
  document.querySelectorAll(".bd-sidebar-secondary .nav").forEach((list) => {
    list.style.display = "block";
  });
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
    // A heading wider than its box is cut off (or spills over the sidebar).
    headings: Array.from(document.querySelectorAll("h1")).map((h) => ({
      text: h.textContent.replace("#", "").trim(),
      scrollWidth: h.scrollWidth,
      clientWidth: h.clientWidth,
    })),
    // Text running past the right edge of its box: an entry of the right-hand
    // "On this page" list, every level of it unfolded (cut off by the sidebar), a
    // signature or a parameter's type and default (out of the article's column).
    spilling: [
      ...Array.from(document.querySelectorAll(".bd-sidebar-secondary .toc-entry"))
        .map((entry) => [entry, entry.closest(".bd-sidebar-secondary")]),
      ...Array.from(document.querySelectorAll(".bd-article dt")).map((term) => [term, term]),
    ]
      .filter(([element]) => element.getClientRects().length > 0)
      .map(([element, box]) => {
        const text = document.createRange();
        text.selectNodeContents(element);
        const right = Math.max(0, ...Array.from(text.getClientRects()).map((r) => r.right));
        const edge = box.getBoundingClientRect().right;
        return { text: element.textContent.trim().slice(0, 50), by: Math.round(right - edge) };
      })
      .filter((spill) => spill.by > 1),
    // The theme's "Section Navigation": shown, it should lead somewhere.
    sectionNavigation: Array.from(document.querySelectorAll("nav.bd-docs-nav"))
      .filter((nav) => nav.getClientRects().length > 0)
      .map((nav) => nav.querySelectorAll("a").length),
  };
  const out = document.createElement("pre");
  out.id = "render-check-report";
  out.textContent = JSON.stringify(report);
  document.body.appendChild(out);
});
</script>
"""


class References(HTMLParser):
    """What a page's HTML holds: its title, the URLs of its images, stylesheets
    and scripts, its element ids, the links of its autosummary tables and the
    examples of its sphinx-gallery mini-gallery."""

    def __init__(self):
        super().__init__()
        self.urls, self.images, self.title, self._in_title = [], 0, "", False
        self.ids, self.summary_links, self._summary_tables = set(), set(), 0
        self.gallery_examples, self._in_mini_gallery = 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        self.ids.add(attrs.get("id"))
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
        elif tag == "table" and "autosummary" in classes:
            self._summary_tables += 1
        elif tag == "a" and self._summary_tables:
            self.summary_links.add(attrs.get("href"))
        elif tag == "section" and (attrs.get("id") or "").startswith("examples-using-"):
            self._in_mini_gallery = True
        elif tag == "div" and "sphx-glr-thumbcontainer" in classes and self._in_mini_gallery:
            self.gallery_examples += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "table" and self._summary_tables:
            self._summary_tables -= 1

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


def parse_page(page):
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def check_page(chromium, build, name, title_words, min_images, keep):
    page = build / name
    if not page.is_file():
        return [f"{name}: not built"]
    parser = parse_page(page)
    files = list(local_files(page, parser.urls))
    missing = sorted({url for url, path in files if not path.is_file()})
    problems = [f"{name}: refers to {url}, which is not in the build" for url in missing]

    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        report = browser_report(chromium, page, workdir)
        screenshot = screenshot_stats(chromium, page, workdir)
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            png = screenshot[-1]
            shutil.copy(png, keep / (name.replace("/", "__").removesuffix(".html") + ".png"))

    problems += rendering_problems(name, report, title_words, min_images)
    width, height, colours, not_background, _ = screenshot
    if colours < 16 or not_background < 0.01:
        problems.append(f"{name}: the screenshot looks blank ({colours} colours)")
    print_page_summary(name, parser, len(files) - len(missing), len(files), report)
    print(
        f"  screenshot: {width}x{height}, {colours} distinct colours, "
        f"{not_background:.0%} of pixels not background"
    )
    return problems


def rendering_problems(name, report, title_words, min_images):
    """What is wrong with the page as chromium rendered it (see ``PROBE``)."""
    problems = []
    if title_words not in report["title"]:
        problems.append(f"{name}: title {report['title']!r} lacks {title_words!r}")
    if report["images"] < min_images:
        problems.append(f"{name}: {report['images']} images rendered, expected {min_images}+")
    problems += [f"{name}: image {src} did not load" for src in report["brokenImages"]]
    problems += [f"{name}: stylesheet {h} did not load" for h in report["brokenStylesheets"]]
    problems += [
        f"{name}: the heading {h['text']!r} is cut off ({h['scrollWidth']} px of text "
        f"in a box {h['clientWidth']} px wide)"
        for h in report["headings"]
        if h["scrollWidth"] > h["clientWidth"]
    ]
    problems += [
        f"{name}: {spill['text']!r} runs {spill['by']} px past the right edge of its box"
        for spill in report["spilling"]
    ]
    if 0 in report["sectionNavigation"]:
        problems.append(f"{name}: the sidebar shows an empty 'Section Navigation'")
    return problems


def print_page_summary(name, parser, present, references, report):
    loaded = report["images"] - len(report["brokenImages"])
    print(f"{name}")
    print(f"  title: {report['title']}")
    print(f"  HTML: {parser.images} <img>, {references} local references, {present} in the build")
    print(
        f"  chromium: {loaded}/{report['images']} images loaded, "
        f"{report['stylesheets'] - len(report['brokenStylesheets'])}/{report['stylesheets']} "
        f"stylesheets, DOM {report['dom_chars']:,} characters"
    )
    for src, w, h in report["imageSizes"]:
        print(f"    {src}: {w}x{h}")
    for heading in report["headings"]:
        print(
            f"  heading {heading['text']!r}: {heading['scrollWidth']} px of text, "
            f"box {heading['clientWidth']} px"
        )
    print(f"  links in the shown 'Section Navigation': {report['sectionNavigation']}")


def public_classes():
    """The public classes of sklearn_backprop, exceptions and warnings aside."""
    import sklearn_backprop

    members = (getattr(sklearn_backprop, name) for name in sklearn_backprop.__all__)
    return [
        member
        for member in members
        if inspect.isclass(member) and not issubclass(member, BaseException)
    ]


def public_methods(cls):
    """Every public method of the class, its own and inherited ones."""
    return sorted(
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and inspect.isroutine(member)
    )


def api_page_name(cls):
    # autosummary names the page after the name in docs/api.rst.
    return f"generated/sklearn_backprop.{cls.__name__}.html"


def check_api_page(build, cls):
    """The class's API page documents and lists each of its public methods, and
    shows the examples that use the class."""
    name = api_page_name(cls)
    page = build / name
    if not page.is_file():
        return [f"{name}: not built (is {cls.__name__} in docs/api.rst?)"]
    parser = parse_page(page)
    methods = public_methods(cls)
    anchors = {method: f"sklearn_backprop.{cls.__name__}.{method}" for method in methods}
    undocumented = [method for method in methods if anchors[method] not in parser.ids]
    unlisted = [method for method in methods if f"#{anchors[method]}" not in parser.summary_links]
    problems = []
    if undocumented:
        problems.append(f"{name}: public methods not documented: {', '.join(undocumented)}")
    if unlisted:
        problems.append(f"{name}: public methods not in a Methods table: {', '.join(unlisted)}")
    if parser.gallery_examples == 0:
        problems.append(f"{name}: no 'Examples using {cls.__name__}' mini-gallery")
    print(
        f"{name}\n  {len(methods)} public methods expected: {', '.join(methods)}\n"
        f"  mini-gallery: {parser.gallery_examples} examples"
    )
    return problems


def check_gallery_figures(build):
    """Each example's gallery page shows at least one figure the example drew."""
    examples = sorted(EXAMPLES.glob("*.py"))
    problems = []
    for example in examples:
        if example.name.startswith("_"):  # a helper, as conf.py's ignore_pattern says
            continue
        name = f"auto_examples/{example.stem}.html"
        page = build / name
        if not page.is_file():
            problems.append(f"{name}: not built")
            continue
        figures = {
            path
            for url, path in local_files(page, parse_page(page).urls)
            if f"sphx_glr_{example.stem}_0" in url and path.is_file()
        }
        print(f"{name}: {len(figures)} figures")
        if not figures:
            problems.append(f"{name}: {example.name} drew no figure (a placeholder thumbnail)")
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
    classes = public_classes()
    # A class page shows at least one mini-gallery thumbnail.
    pages = PAGES + [(api_page_name(cls), cls.__name__, 1) for cls in classes]
    problems = []
    for name, title_words, min_images in pages:
        problems += check_page(
            chromium, build, name, title_words, min_images, args.keep_screenshots
        )
    for cls in classes:
        problems += check_api_page(build, cls)
    problems += check_gallery_figures(build)
    print()
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print(
        f"OK: {len(pages)} pages rendered, every image and stylesheet loaded; "
        f"the API pages of {', '.join(cls.__name__ for cls in classes)} list every "
        "public method and the examples using the class; every example drew a figure"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
