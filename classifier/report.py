"""HTML reports: every block of a page with its label, probability and the cleaned text, one file each.

A report is one self-contained HTML file (inline CSS and JS, no network) in which a person can
also correct labels and download the corrections in the labeled text format of
training_data/README.md, the same text training.write_labeled_text writes. Page text is
escaped everywhere, and a Content-Security-Policy lets only the report's own script run, so a
hostile page cannot run script in its report.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .blocks import Block
from .errors import ClassifierError, InputError, OutputError
from .export import editorial_text
from .labeled import write_labeled_text
from .labels import LABELS, Label
from .model import BlockModel

#: A block whose label has a probability under this is marked "low confidence". Measured with the
#: default model on training_data/heldout (1,546 blocks): blocks under 0.6 were labeled right only
#: 49% of the time (a coin toss) against 87% above it, and they are 12% of all blocks, so the mark
#: points at a short list that holds a third of the model's mistakes. It is also where the chosen
#: label has less than 3:2 odds against all the others together.
LOW_CONFIDENCE = 0.6
#: The batch index page, written next to the per-page reports.
INDEX = "index.html"
#: Suffix of a per-page report in a batch folder (never the suffix of a page it reads).
REPORT_SUFFIX = ".report.html"
#: Files taken from a folder given as PAGE: the page formats the segmenters read.
PAGE_SUFFIXES = (".txt", ".html", ".htm")

#: Tint (background) and mark (border, swatch) of each label.
LABEL_COLOURS: dict[Label, tuple[str, str]] = {
    Label.EDITORIAL: ("#e7f5e9", "#2e7d32"),
    Label.SPONSORED: ("#fff0e0", "#e65100"),
    Label.CAPTION: ("#e4f0fd", "#1565c0"),
    Label.NAVIGATION: ("#ececec", "#616161"),
}
#: Colours for labels added to the enum later, until they get their own.
_SPARE_COLOURS = (("#f3e5f5", "#7b1fa2"), ("#e0f2f1", "#00796b"), ("#fffde7", "#f9a825"))


@dataclass
class ReportEntry:
    """One page of a batch: where its report went and its counts, or why it failed."""

    source: str
    report: str | None = None
    blocks: int = 0
    counts: dict[Label, int] = field(default_factory=dict)
    low_confidence: int = 0
    error: str | None = None


@dataclass
class ReportResult:
    """What ``write_reports`` wrote: the file to open (report or index) and one entry per page."""

    path: Path
    entries: list[ReportEntry]

    @property
    def failed(self) -> list[ReportEntry]:
        return [entry for entry in self.entries if entry.error is not None]

    @property
    def written(self) -> list[ReportEntry]:
        return [entry for entry in self.entries if entry.error is None]


def colour(label: Label) -> tuple[str, str]:
    """The (tint, mark) colours of a label."""
    if label in LABEL_COLOURS:
        return LABEL_COLOURS[label]
    return _SPARE_COLOURS[LABELS.index(label) % len(_SPARE_COLOURS)]


def label_counts(blocks: Iterable[Block]) -> dict[Label, int]:
    """How many blocks carry each label, every label listed (zero too), in LABELS order."""
    counts = dict.fromkeys(LABELS, 0)
    for block in blocks:
        counts[block.label] += 1
    return counts


def is_low_confidence(block: Block, threshold: float = LOW_CONFIDENCE) -> bool:
    """Whether the model gave the block's label a probability under ``threshold``."""
    return block.probabilities.get(block.label, 0.0) < threshold


def page_meta(source: str) -> dict[str, str]:
    """The ``# key: value`` header of a page's labeled text, as ``classifier annotate`` writes it."""
    return {"id": Path(source).stem if source != "<stdin>" else "stdin", "source": source}


def script_json(value: object) -> str:
    """JSON safe to embed in a <script> element: no "</script>", "<!--" or line separators survive."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def embedded_data(report: str) -> dict:
    """The data a report embeds (blocks, labels, meta), read back from its HTML."""
    start = report.index(_DATA_OPEN) + len(_DATA_OPEN)
    return json.loads(report[start : report.index("</script>", start)])


def render_report(
    blocks: list[Block],
    source: str = "<input>",
    *,
    meta: dict[str, str] | None = None,
    threshold: float = LOW_CONFIDENCE,
    keep: tuple[Label, ...] = (Label.EDITORIAL,),
    model_note: str = "",
) -> str:
    """One self-contained HTML report of classified ``blocks`` (each must carry a label)."""
    unlabeled = [i for i, block in enumerate(blocks, start=1) if block.label is None]
    if unlabeled:
        raise ValueError(f"{source}: block {unlabeled[0]} has no label; classify the page first")
    meta = page_meta(source) if meta is None else meta
    low = sum(is_low_confidence(block, threshold) for block in blocks)
    is_text = any(block.lines is not None for block in blocks)
    data = {
        "meta": list(meta.items()),
        "filename": f"{meta.get('id') or 'page'}.labeled.txt",
        "labels": [label.value for label in LABELS],
        "keep": [label.value for label in keep],
        "blocks": [
            {
                "text": block.text,
                "label": block.label.value,
                "probabilities": {label.value: round(p, 4) for label, p in block.probabilities.items()},
                "lines": list(block.lines) if block.lines is not None else None,
            }
            for block in blocks
        ],
    }
    facts = [
        f"{len(blocks)} blocks",
        "text dump" if is_text else "HTML page",
        f"low confidence: probability under {threshold:.2f}",
    ]
    if model_note:
        facts.append(f"model: {model_note}")
    body = (
        f'<header><h1>What was removed from <span class="source">{_e(source)}</span></h1>'
        f'<p class="facts">{_e(" · ".join(facts))}</p>'
        f"{_counts_html(label_counts(blocks), low, keep)}{_legend_html(keep, threshold)}"
        '<p class="toolbar"><button type="button" id="export">Download labeled text</button> '
        '<span id="changes">0 corrections</span> <span class="hint">Change a label with its menu, then '
        "download the page in the labeled text format to train on (classifier train FILE).</span></p></header>"
        f'<main><ol id="blocks">{"".join(_block_html(i, b, threshold) for i, b in enumerate(blocks))}</ol>'
        '<aside id="side"><div class="tabs" role="tablist">'
        '<button type="button" role="tab" data-tab="cleaned" aria-selected="true">Cleaned text</button>'
        '<button type="button" role="tab" data-tab="labeled" aria-selected="false">Labeled text</button></div>'
        f'<pre id="cleaned" class="panel">{_e(editorial_text(blocks, keep))}</pre>'
        f'<pre id="labeled" class="panel" hidden>{_e(write_labeled_text(blocks, meta))}</pre></aside></main>'
    )
    return _document(f"Report: {source}", body, _label_css() + _REPORT_CSS, data)


def render_index(entries: list[ReportEntry], title: str = "Reports") -> str:
    """The index page of a batch: one row per page, linking its report or giving its error."""
    head = "".join(f'<th class="label-{label.value}">{label.value}</th>' for label in LABELS)
    rows = []
    for entry in entries:
        if entry.error is not None:
            rows.append(
                f'<tr class="failed"><td>{_e(entry.source)}</td>'
                f'<td colspan="{len(LABELS) + 2}" class="error">error: {_e(entry.error)}</td></tr>'
            )
            continue
        cells = "".join(f"<td>{entry.counts.get(label, 0)}</td>" for label in LABELS)
        link = f'<a href="{_e(quote(entry.report or ""))}">{_e(entry.source)}</a>'
        rows.append(f"<tr><td>{link}</td><td>{entry.blocks}</td>{cells}<td>{entry.low_confidence}</td></tr>")
    failed = sum(entry.error is not None for entry in entries)
    body = (
        f'<header><h1>{_e(title)}</h1><p class="facts">{len(entries)} pages: {len(entries) - failed} reports, '
        f'{failed} errors</p></header><main><table id="index"><thead><tr><th>page</th><th>blocks</th>{head}'
        f"<th>low confidence</th></tr></thead><tbody>{''.join(rows)}</tbody></table></main>"
    )
    return _document(title, body, _label_css() + _INDEX_CSS, None)


def page_files(paths: Iterable[str | Path], skip: Path | None = None) -> list[Path | ReportEntry]:
    """The pages named by ``paths``: files as given, folders walked as a batch walks them (sorted, hidden
    files skipped, each real folder once) for page files.

    A folder holding no page, or one that cannot be listed, becomes an error entry. Files under ``skip``
    (the output folder) and earlier reports are left out, so running a batch twice does not read its own reports.
    """
    from .batch.inputs import expand

    found: list[Path | ReportEntry] = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(path)
            continue
        pages: list[Path | ReportEntry] = []
        for entry in expand([path], exclude=() if skip is None else (skip,)):
            if entry.error:
                pages.append(ReportEntry(str(entry.path), error=entry.error))
            elif entry.path.suffix.lower() in PAGE_SUFFIXES and not entry.path.name.endswith(REPORT_SUFFIX):
                pages.append(entry.path)
        found.extend(pages or [ReportEntry(str(path), error=f"{path}: no pages ({', '.join(PAGE_SUFFIXES)}) here")])
    return found


def report_page(
    path: str | Path, model: BlockModel, input_format: str = "auto", threshold: float = LOW_CONFIDENCE
) -> tuple[str, ReportEntry]:
    """Read, classify and render one page file: its report and its index entry."""
    from .batch.inputs import read_page_file
    from .pipeline import classify

    record = read_page_file(Path(path))  # as the batch reads it: "-" is stdin, .gz unpacked, the size limit
    if record.error:
        raise InputError(record.error)
    source = record.source
    fmt = record.format if input_format == "auto" and record.format else input_format
    blocks = classify(record.content, fmt, model, source)
    note = model.card.get("trained", "")
    report = render_report(blocks, source, threshold=threshold, model_note=f"trained {note}" if note else "")
    counts = label_counts(blocks)
    low = sum(is_low_confidence(block, threshold) for block in blocks)
    return report, ReportEntry(source, blocks=len(blocks), counts=counts, low_confidence=low)


def write_reports(
    pages: Iterable[str | Path],
    output: str | Path,
    model: BlockModel,
    input_format: str = "auto",
    threshold: float = LOW_CONFIDENCE,
) -> ReportResult:
    """Write the report of one page to the file ``output``, or of a batch into the folder ``output``.

    A batch (several pages, a folder, or an existing folder as ``output``) writes one report per
    page and an index; a page that fails becomes an error entry and the rest goes on. A single
    page that fails raises its InputError.
    """
    pages, output = [Path(p) for p in pages], Path(output)
    if not pages:
        raise InputError("no page given")
    if len(pages) == 1 and not pages[0].is_dir() and not output.is_dir():
        report, entry = report_page(pages[0], model, input_format, threshold)
        _write_file(output, report)
        entry.report = output.name
        return ReportResult(output, [entry])
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output}: is a file; a batch of pages writes its reports into a folder")
    entries: list[ReportEntry] = []
    names: set[str] = set()
    inputs = {p.resolve() for p in pages if p.is_file()}
    for page in page_files(pages, skip=output):
        if isinstance(page, ReportEntry):
            entries.append(page)
            continue
        name = _unique_name(page, names)
        try:
            if (output / name).resolve() in inputs:
                raise OutputError(f"{output / name}: would overwrite a page being read")
            report, entry = report_page(page, model, input_format, threshold)
            _write_file(output / name, report)
            entry.report = name
        except ClassifierError as exc:
            entry = ReportEntry(str(page), error=str(exc))
        entries.append(entry)
    index = output / INDEX
    _write_file(index, render_index(entries, f"Reports: {len(entries)} pages"))
    return ReportResult(index, entries)


def _unique_name(page: Path, taken: set[str]) -> str:
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in page.stem) or "page"
    name, n = stem + REPORT_SUFFIX, 1
    while name.lower() in taken or name.lower() == INDEX:
        n += 1
        name = f"{stem}-{n}{REPORT_SUFFIX}"
    taken.add(name.lower())
    return name


def _write_file(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _counts_html(counts: dict[Label, int], low: int, keep: tuple[Label, ...]) -> str:
    items = "".join(
        f'<li class="count label-{label.value}"><span class="swatch"></span>{label.value} '
        f'<b data-count="{label.value}">{n}</b> <small>{"kept" if label in keep else "removed"}</small></li>'
        for label, n in counts.items()
    )
    return f'<ul id="counts">{items}<li class="count low-count">low confidence <b id="low-count">{low}</b></li></ul>'


def _legend_html(keep: tuple[Label, ...], threshold: float) -> str:
    items = "".join(
        f'<li class="label-{label.value}"><span class="swatch"></span>{label.value}: '
        f"{'kept in the cleaned text' if label in keep else 'removed'}</li>"
        for label in LABELS
    )
    return (
        f'<ul id="legend" aria-label="legend">{items}'
        f'<li><span class="lowmark">low</span> the model gave its label a probability under {threshold:.2f}</li>'
        '<li><span class="wasmark">corrected</span> you changed the label</li></ul>'
    )


def _block_html(index: int, block: Block, threshold: float) -> str:
    label = block.label
    probability = block.probabilities.get(label, 0.0)
    low = is_low_confidence(block, threshold)
    if block.lines is not None:
        first, last = block.lines
        where = f"line {first}" if first == last else f"lines {first}-{last}"
    else:
        where = f"&lt;{_e(block.dom.tag)}&gt;" if block.dom is not None else ""
    options = "".join(
        f'<option value="{choice.value}"{" selected" if choice is label else ""}>{choice.value}</option>'
        for choice in LABELS
    )
    all_probabilities = " · ".join(
        f"{name.value} {p:.2f}" for name, p in sorted(block.probabilities.items(), key=lambda item: -item[1])
    )
    return (
        f'<li class="block label-{label.value}{" low" if low else ""}" id="b{index}" data-index="{index}">'
        f'<div class="meta"><span class="where">#{index + 1} {where}</span>'
        f'<select class="label-select" aria-label="label of block {index + 1}">{options}</select>'
        f'<span class="prob" title="{_e(all_probabilities)}">{probability:.2f}</span>'
        + (f'<span class="lowmark" title="probability under {threshold:.2f}">low</span>' if low else "")
        + f'<span class="wasmark" hidden>corrected, model said {label.value} {probability:.2f}</span></div>'
        f'<div class="text">{_e(block.text)}</div></li>'
    )


def _label_css() -> str:
    rules = []
    for label in LABELS:
        tint, mark = colour(label)
        rules.append(
            f".label-{label.value}{{--tint:{tint};--mark:{mark}}}"
            f".block.label-{label.value}{{background:{tint};border-left-color:{mark}}}"
        )
    return "".join(rules)


_DATA_OPEN = '<script type="application/json" id="report-data">'


def _document(title: str, body: str, css: str, data: object | None) -> str:
    scripts = ""
    script_policy = "'none'"
    if data is not None:
        digest = base64.b64encode(hashlib.sha256(_REPORT_JS.encode("utf-8")).digest()).decode("ascii")
        script_policy = f"'sha256-{digest}'"
        scripts = f"{_DATA_OPEN}{script_json(data)}</script><script>{_REPORT_JS}</script>"
    policy = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_policy}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_BASE_CSS}{css}</style></head>"
        f"<body>{body}{scripts}</body></html>\n"
    )


_BASE_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1f;
background:#fafafa}
header{padding:14px 20px 8px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:19px;margin:0 0 4px}
.source{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:16px}
.facts{margin:0 0 8px;color:#555}
[hidden]{display:none!important}
.swatch{display:inline-block;width:16px;height:13px;border-radius:2px;margin-right:5px;vertical-align:-1px;
background:var(--tint);border:1px solid var(--mark);border-left-width:5px}
.lowmark{display:inline-block;padding:0 5px;border:1px dashed #b00020;border-radius:3px;color:#b00020;
font-size:12px;font-weight:600}
.wasmark{display:inline-block;padding:0 5px;border-radius:3px;background:#263238;color:#fff;font-size:12px}
"""
_REPORT_CSS = """
#counts,#legend{list-style:none;margin:0 0 6px;padding:0;display:flex;flex-wrap:wrap;gap:6px 16px}
#counts .count{padding:3px 8px;border-radius:4px;background:var(--tint,#fff);border:1px solid var(--mark,#b00020)}
#counts small{color:#555}
#legend{font-size:13px;color:#333}
.toolbar{margin:6px 0 4px}.hint{color:#666;font-size:13px}
button{font:inherit;padding:4px 12px;border:1px solid #888;border-radius:4px;background:#fff;cursor:pointer}
#export{background:#1d4ed8;color:#fff;border-color:#1d4ed8}
main{display:flex;gap:16px;padding:12px 20px;align-items:flex-start}
#blocks{flex:3;list-style:none;margin:0;padding:0;min-width:0}
.block{margin:0 0 6px;padding:6px 10px;border-left:6px solid #999;border-radius:4px}
.block.low{outline:2px dashed #b00020;outline-offset:-2px}
.block.changed{box-shadow:inset 0 0 0 2px #263238}
.meta{display:flex;gap:8px;align-items:center;font-size:12px;color:#444;margin-bottom:2px}
.where{font-family:ui-monospace,"DejaVu Sans Mono",monospace;min-width:64px}
.prob{font-variant-numeric:tabular-nums;font-weight:600}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
#side{flex:2;position:sticky;top:8px;min-width:0;background:#fff;border:1px solid #ddd;border-radius:6px}
.tabs{display:flex;border-bottom:1px solid #ddd}
.tabs button{border:0;border-radius:0;background:none;padding:8px 14px}
.tabs button[aria-selected=true]{border-bottom:3px solid #1d4ed8;font-weight:600}
.panel{margin:0;padding:10px 12px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:80vh;overflow:auto;
font:13px/1.45 ui-monospace,"DejaVu Sans Mono",monospace}
.panel:empty::before{content:"(no block is kept)";color:#888}
@media (max-width:800px){main{flex-direction:column}#side{position:static;width:100%}}
"""
_INDEX_CSS = """
main{padding:12px 20px}
table{border-collapse:collapse;background:#fff}
th,td{padding:4px 10px;border:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}
th[class^=label-]{background:var(--tint);border-bottom:3px solid var(--mark)}
tr.failed td{background:#fdecea}.error{color:#b00020;text-align:left}
"""
# The report's only script. It mirrors training.write_labeled_text exactly (a test compares the
# two byte for byte in a real browser), and never writes page text as HTML (textContent only).
_REPORT_JS = """
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var current = data.blocks.map(function (block) { return block.label; });
  var items = document.querySelectorAll("#blocks > li.block");

  function labeledText(labels) {
    var out = data.meta.map(function (pair) { return "# " + pair[0] + ": " + pair[1]; });
    var previousEnd = 0;
    data.blocks.forEach(function (block, i) {
      if (block.lines) {
        for (var n = block.lines[0] - previousEnd - 1; n > 0; n--) { out.push(""); }
        previousEnd = block.lines[1];
      }
      out.push(labels[i] + " " + block.text);
    });
    return out.join("\\n") + "\\n";
  }

  function cleanedText(labels) {
    return data.blocks.filter(function (block, i) { return data.keep.indexOf(labels[i]) >= 0; })
      .map(function (block) { return block.text; }).join("\\n");
  }

  function refresh() {
    data.labels.forEach(function (label) {
      var n = current.filter(function (l) { return l === label; }).length;
      document.querySelector('#counts b[data-count="' + label + '"]').textContent = String(n);
    });
    var changed = current.filter(function (l, i) { return l !== data.blocks[i].label; }).length;
    document.getElementById("changes").textContent = changed + (changed === 1 ? " correction" : " corrections");
    document.getElementById("cleaned").textContent = cleanedText(current);
    document.getElementById("labeled").textContent = labeledText(current);
  }

  Array.prototype.forEach.call(items, function (item) {
    var i = Number(item.getAttribute("data-index"));
    var select = item.querySelector("select");
    select.addEventListener("change", function () {
      item.classList.remove("label-" + current[i]);
      current[i] = select.value;
      item.classList.add("label-" + current[i]);
      var changed = current[i] !== data.blocks[i].label;
      item.classList.toggle("changed", changed);
      item.querySelector(".wasmark").hidden = !changed;
      item.querySelector(".prob").textContent = (data.blocks[i].probabilities[current[i]] || 0).toFixed(2);
      refresh();
    });
  });

  document.getElementById("export").addEventListener("click", function () {
    var blob = new Blob([labeledText(current)], { type: "text/plain;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = data.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  });

  var tabs = document.querySelectorAll(".tabs button");
  Array.prototype.forEach.call(tabs, function (tab) {
    tab.addEventListener("click", function () {
      Array.prototype.forEach.call(tabs, function (other) {
        var selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        document.getElementById(other.getAttribute("data-tab")).hidden = !selected;
      });
    });
  });

  window.blockReport = { labeledText: labeledText, cleanedText: cleanedText, current: current };
})();
"""
