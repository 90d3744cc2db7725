"""The extractors compared by bench/peers.py: ours and seven peers, each a factory that returns ``html -> text``.

Peers are imported inside their factory, so a missing one only disables itself and the package never imports them
(install them with ``pip install '.[bench]'``). Every extractor gets the same decoded page (a ``str``) and no URL or
language; settings are each library's documented main-text call, as in trafilatura's and ScrapingHub's comparisons.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from importlib.metadata import PackageNotFoundError, version

from classifier.segment.html import BLOCK_TAGS

Extract = Callable[[str], str]

#: Tags after which a line break is added when readability-lxml's HTML summary is turned into text: the elements
#: our segmenter treats as blocks, plus br, so words of adjacent blocks are not glued together.
_BLOCK_TAGS = sorted(BLOCK_TAGS | {"br"})


def _ours(model_path: str | None, favor: str = "balanced") -> Extract:
    from classifier import clean, load_model

    model = load_model(model_path)
    return lambda html: clean(html, input_format="html", model=model, favor=favor)


def _trafilatura(_: str | None) -> Extract:
    from trafilatura import extract

    # trafilatura's own evaluation settings (tests/eval_common.py EXTRACT_OPTS): main text, tables, no comments.
    return lambda html: extract(html, include_comments=False, include_tables=True, include_formatting=False) or ""


def _readability(_: str | None) -> Extract:
    import lxml.html
    from readability import Document

    def run(html: str) -> str:
        summary = Document(html).summary()
        tree = lxml.html.fromstring(summary)
        for element in tree.iter(*_BLOCK_TAGS):
            element.tail = "\n" + (element.tail or "")
        return tree.text_content().strip()

    return run


def _justext(_: str | None) -> Extract:
    import justext

    # No language is given to any extractor, so jusText gets the union of all its stoplists (as trafilatura's
    # comparison does) and its default thresholds.
    stoplist = frozenset().union(*(justext.get_stoplist(name) for name in justext.get_stoplists()))

    def run(html: str) -> str:
        paragraphs = justext.justext(html, stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


def _boilerpy3(_: str | None) -> Extract:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor()
    return lambda html: extractor.get_content(html)


def _resiliparse(_: str | None) -> Extract:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return lambda html: extract_plain_text(HTMLTree.parse(html), main_content=True, preserve_formatting=True)


def _newspaper(_: str | None) -> Extract:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "nltk is not installed": only its NLP extras need it
        from newspaper import fulltext

    return lambda html: fulltext(html)


def _goose3(_: str | None) -> Extract:
    from goose3 import Goose

    goose = Goose()
    return lambda html: goose.extract(raw_html=html).cleaned_text or ""


#: name -> (distribution whose version is reported, factory taking the --model path)
EXTRACTORS: dict[str, tuple[str, Callable[[str | None], Extract]]] = {
    "classifier": ("block-classifier", _ours),
    # the same model with --favor precision / recall: the precision-recall knob measured on every dataset
    "classifier-precision": ("block-classifier", partial(_ours, favor="precision")),
    "classifier-recall": ("block-classifier", partial(_ours, favor="recall")),
    "trafilatura": ("trafilatura", _trafilatura),
    "readability-lxml": ("readability-lxml", _readability),
    "justext": ("jusText", _justext),
    "boilerpy3": ("boilerpy3", _boilerpy3),
    "resiliparse": ("resiliparse", _resiliparse),
    "newspaper4k": ("newspaper4k", _newspaper),
    "goose3": ("goose3", _goose3),
}


def make_extractor(name: str, model_path: str | None = None) -> Extract:
    """The extraction function of one extractor (imports its library; raises ImportError when it is absent)."""
    return EXTRACTORS[name][1](model_path)


def extractor_version(name: str) -> str:
    """Installed version of the extractor's distribution ("not installed" when absent)."""
    if name.startswith("classifier"):
        from classifier import __version__

        return __version__
    try:
        return version(EXTRACTORS[name][0])
    except PackageNotFoundError:
        return "not installed"
