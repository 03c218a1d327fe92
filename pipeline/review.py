"""A static review site: every quantity, entity and fact highlighted at its span.

``write_review(out_dir, site_dir)`` writes ``index.html`` and one page per
article under ``articles/``. Pages are self-contained (inline CSS and JS, no
network). Each highlight is an element with ``data-kind`` (quantity, entity,
fact) and ``data-id`` (the record's id); a span that crosses another is
continued by an element of kind ``*-cont``, so ``[data-kind=fact]`` counts
facts exactly. Reviewers accept or reject facts and correct values; the
decisions are kept in the browser and exported as JSON Lines that
``khabar verify --corrections`` reads back.
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Optional

import regex

LATIN_RUN = regex.compile(r"[\p{Latin}][\p{Latin}\d .,&'’-]*[\p{Latin}\d]|[\p{Latin}]")
KIND_ORDER = {"fact": 0, "entity": 1, "quantity": 2}


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def _text_html(s: str) -> str:
    """Escape, isolate Latin runs for the bidi algorithm, keep line breaks."""
    out, last = [], 0
    for m in LATIN_RUN.finditer(s):
        out.append(html.escape(s[last:m.start()]))
        out.append(f"<bdi>{html.escape(m.group())}</bdi>")
        last = m.end()
    out.append(html.escape(s[last:]))
    return "".join(out).replace("\n", "<br>\n")


def spans_of(rec: dict) -> list[dict]:
    """Every highlight of a record: kind, id, start, end, tooltip."""
    out = []
    for f in rec["facts"]:
        ev = f["evidence"]
        tip = (f"{f['type']}: {f['value']} {f['unit']} — {f['subject']['name']}"
               + (f" — {f['year']}" if f.get("year") else "") + f" — {f['modality']} — {f.get('rule') or ''}")
        out.append({"kind": "fact", "id": f["id"], "start": ev["start"], "end": ev["end"], "tip": tip})
    for i, q in enumerate(rec["quantities"]):
        tip = f"{q['value']} {q['unit']}" + (" (approx.)" if q["approximate"] else "") + f" — {q['rule']}"
        out.append({"kind": "quantity", "id": f"q{i}", "start": q["start"], "end": q["end"], "tip": tip})
    for e in rec["entities"]:
        for m in e["mentions"]:
            tip = f"{e['type']}: {e['name']}" + (f" ({e['country']})" if e.get("country") else "")
            out.append({"kind": "entity", "id": e["id"], "etype": e["type"], "start": m["start"], "end": m["end"],
                        "tip": tip})
    return out


def render_text(text: str, spans: list[dict], failed: set[str]) -> str:
    """The text with properly nested highlight elements; crossing spans are split."""
    spans = [s for s in spans if 0 <= s["start"] < s["end"] <= len(text)]
    spans.sort(key=lambda s: (s["start"], -s["end"], KIND_ORDER[s["kind"]]))
    # events: open and close positions, splitting a span where it crosses an enclosing one
    pieces = []  # (start, end, span, is_continuation)
    stack: list[tuple[int, int]] = []
    for s in spans:
        start, end = s["start"], s["end"]
        while stack and stack[-1][1] <= start:
            stack.pop()
        first = True
        cur = start
        # clip at the end of the innermost open span it starts inside; continue after it
        while stack and end > stack[-1][1]:
            pieces.append((cur, stack[-1][1], s, not first))
            first = False
            cur = stack[-1][1]
            stack.pop()
        pieces.append((cur, end, s, not first))
        stack.append((cur, end))
    opens: dict[int, list] = {}
    closes: dict[int, int] = {}
    for p in pieces:
        opens.setdefault(p[0], []).append(p)
        closes[p[1]] = closes.get(p[1], 0) + 1
    out = []
    positions = sorted(set(opens) | set(closes) | {0, len(text)})
    open_stack: list[int] = []
    for a, b in zip(positions, positions[1:] + [len(text)]):
        # close everything that ends here (innermost first)
        while open_stack and open_stack[-1] == a:
            out.append("</mark>")
            open_stack.pop()
        for start, end, s, cont in sorted(opens.get(a, []), key=lambda p: -p[1]):
            kind = s["kind"] + ("-cont" if cont else "")
            cls = s["kind"] + (" failed" if s["kind"] == "fact" and s["id"] in failed else "")
            if s["kind"] == "entity":
                cls += f" ent-{s['etype']}"
            focus = ' tabindex="0"' if s["kind"] == "fact" and not cont else ""
            out.append(f'<mark class="{cls}" data-kind="{kind}" data-id="{_esc(s["id"])}" '
                       f'data-tip="{_esc(s["tip"])}" title="{_esc(s["tip"])}"{focus}>')
            open_stack.append(end)
        if b > a:
            out.append(_text_html(text[a:b]))
    while open_stack:
        out.append("</mark>")
        open_stack.pop()
    return "".join(out)


CSS = """
:root{--fact:#fff3b0;--qty:#b9e3ff;--ent:#d9f2d0;--bad:#ffb3b3;font-family:"Noto Naskh Arabic","Noto Sans Arabic",
"Segoe UI",Tahoma,sans-serif}
body{margin:0;line-height:1.9;color:#1b1b1b;background:#fafafa;overflow-wrap:anywhere}
header{padding:.6rem 1rem;background:#243447;color:#fff}header a{color:#cfe3ff}
main{display:flex;flex-wrap:wrap;gap:1rem;padding:1rem}
article{flex:3 1 28rem;min-width:0;background:#fff;padding:1rem 1.4rem;border-radius:6px;box-shadow:0 1px 3px #0002;font-size:1.08rem}
aside{flex:2 1 22rem;min-width:0;overflow-x:auto}.tbl{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.25rem .4rem;text-align:start;vertical-align:top}
mark{background:none;color:inherit;unicode-bidi:isolate;border-radius:3px}
mark.fact{background:var(--fact)}mark.quantity{background:var(--qty);font-weight:600}
mark.entity{box-shadow:inset 0 -2px 0 #3a9a3a}mark.ent-CLUSTER{box-shadow:inset 0 -3px 0 #c0392b}
mark.failed{outline:2px solid #d00;background:var(--bad)}
mark[tabindex]:focus{outline:3px solid #0a58ca;outline-offset:2px}
mark:hover::after,mark:focus::after{content:attr(data-tip);position:absolute;z-index:9;margin-top:1.8em;
margin-inline-start:-2em;background:#222;color:#fff;font-size:.8rem;padding:.2rem .4rem;border-radius:4px;
white-space:nowrap;unicode-bidi:isolate}
.warn{background:#fff0e0;border-inline-start:4px solid #e67e22;padding:.3rem .6rem;margin:.3rem 0}
.fail{background:#ffe5e5;border-inline-start:4px solid #d00;padding:.3rem .6rem;margin:.3rem 0}
button,input{font:inherit}input.corr{width:7em}
tr.accepted{background:#e8f7e8}tr.rejected{background:#fbe9e9;text-decoration:line-through}
.legend span{padding:0 .4rem;margin-inline-end:.4rem;border-radius:3px}
@media (max-width:700px){main{padding:.4rem;display:block}aside{margin-top:1rem}header{font-size:.85rem}article{padding:.6rem}th:nth-child(5),td:nth-child(5){display:none}}
"""

JS = """
const ARTICLE = document.body.dataset.article;
const KEY = 'khabar-review:' + ARTICLE;
function load(){try{return JSON.parse(localStorage.getItem(KEY)||'{}')}catch(e){return {}}}
function save(d){try{localStorage.setItem(KEY, JSON.stringify(d))}catch(e){}}
let decisions = load();
function paint(){
  document.querySelectorAll('tr[data-fact]').forEach(tr=>{
    const d = decisions[tr.dataset.fact]; tr.classList.remove('accepted','rejected');
    if(d){tr.classList.add(d.decision==='reject'?'rejected':'accepted');
      const inp = tr.querySelector('input.corr'); if(d.corrected_value!=null && inp) inp.value = d.corrected_value;}
  });
}
function decide(id, decision){
  const tr = document.querySelector('tr[data-fact="'+id+'"]');
  const inp = tr.querySelector('input.corr');
  const v = inp && inp.value.trim() !== '' ? Number(inp.value) : null;
  decisions[id] = {decision: decision, corrected_value: (decision==='accept' && v!==null && v!==Number(tr.dataset.value)) ? v : null};
  save(decisions); paint();
}
function focusFact(id){
  const el = document.querySelector('mark[data-kind="fact"][data-id="'+id+'"]');
  if(el){el.scrollIntoView({block:'center'}); el.focus();}
  return false;
}
window.khabarExport = function(){
  const facts = JSON.parse(document.getElementById('facts-json').textContent);
  return facts.filter(f=>decisions[f.id]).map(f=>JSON.stringify({
    article_id: ARTICLE, fact_id: f.id, decision: decisions[f.id].decision,
    corrected_value: decisions[f.id].corrected_value, type: f.type, subject: f.subject.name,
    value: f.value, unit: f.unit, evidence_text: f.evidence.text})).join('\\n') + '\\n';
};
function download(){
  const blob = new Blob([window.khabarExport()], {type:'application/x-ndjson'});
  const a = document.createElement('a'); a.href = URL.createObjectURL(blob);
  a.download = ARTICLE + '.decisions.jsonl'; a.click();
}
document.addEventListener('click', e=>{
  const t = e.target;
  if(t.dataset.accept) decide(t.dataset.accept, 'accept');
  if(t.dataset.reject) decide(t.dataset.reject, 'reject');
  if(t.dataset.goto){e.preventDefault(); focusFact(t.dataset.goto);}
  if(t.id==='export') download();
});
paint();
"""


def article_page(rec: dict, failures: list[dict]) -> str:
    failed_facts = {regex.search(r"fact (f\d+)", f["message"]).group(1) for f in failures
                    if regex.search(r"fact (f\d+)", f["message"])}
    body = render_text(rec["text"], spans_of(rec), failed_facts)
    rows = []
    for f in rec["facts"]:
        year = f"{f['year']}" + (f"–{f['year_end']}" if f.get("year_end") else "") if f.get("year") else ""
        mark = " ⚠" if f["id"] in failed_facts else ""
        rows.append(
            f'<tr data-fact="{_esc(f["id"])}" data-value="{_esc(f["value"])}">'
            f'<td><a href="#" data-goto="{_esc(f["id"])}">{_esc(f["id"])}{mark}</a></td>'
            f'<td>{_esc(f["type"])}</td><td><bdi>{_esc(f["subject"]["name"])}</bdi></td>'
            f'<td><bdi>{_esc(f["value"])} {_esc(f["unit"])}</bdi></td><td>{_esc(year)} {_esc(f["modality"])}</td>'
            f'<td><button type="button" data-accept="{_esc(f["id"])}" aria-label="accept {_esc(f["id"])}">✓</button>'
            f'<button type="button" data-reject="{_esc(f["id"])}" aria-label="reject {_esc(f["id"])}">✗</button>'
            f'<input class="corr" inputmode="decimal" aria-label="corrected value of {_esc(f["id"])}" '
            f'placeholder="{_esc(f["value"])}"></td></tr>')
    crow = []
    for c in rec["clusters"]:
        links = " ".join('<a href="#" data-goto="%s">%s</a>' % (_esc(x), _esc(x)) for x in c["facts"])
        crow.append(f'<tr><td><bdi>{_esc(c["name"])}</bdi></td><td>{_esc(c.get("country") or "")} '
                    f'{_esc(c.get("region") or "")}</td><td>{_esc(", ".join(c["sectors"]))}</td>'
                    f'<td>{links}</td></tr>')
    warns = "".join(f'<div class="warn">{_esc(w)}</div>' for w in rec["warnings"])
    fails = "".join(f'<div class="fail">[{_esc(f["check"])}] {_esc(f["message"])}</div>' for f in failures)
    facts_json = json.dumps(rec["facts"], ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_esc(rec['title'])} — Khabar review</title><style>{CSS}</style></head>
<body data-article="{_esc(rec['article_id'])}">
<header><a href="../index.html">← كل المقالات</a> · <bdi>{_esc(rec['article_id'])}</bdi> ·
{len(rec['facts'])} facts · {len(rec['quantities'])} quantities · {len(rec['entities'])} entities
<span class="legend"> · <span style="background:var(--fact);color:#000">fact</span>
<span style="background:var(--qty);color:#000">quantity</span><span style="box-shadow:inset 0 -2px 0 #3a9a3a">entity</span></span>
</header>
<main>
<article aria-label="article text">{warns}{fails}{body}</article>
<aside>
<h2>Facts</h2>
<div class="tbl"><table><thead><tr><th>id</th><th>type</th><th>subject</th><th>value</th><th>year / modality</th><th>review</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table></div>
<p><button type="button" id="export">Export decisions (JSONL)</button></p>
<h2>Clusters</h2>
<div class="tbl"><table><thead><tr><th>name</th><th>country</th><th>sectors</th><th>facts</th></tr></thead><tbody>{''.join(crow)}</tbody></table></div>
</aside></main>
<script type="application/json" id="facts-json">{facts_json}</script>
<script>{JS}</script>
</body></html>
"""


def safe_name(article_id: str) -> str:
    return regex.sub(r"[^\w.-]+", "_", article_id)[:120] or "article"


def write_review(out_dir: Path, site_dir: Path, verify_report: Optional[dict] = None) -> list[Path]:
    """Write the site; returns the pages written (index first)."""
    out_dir, site_dir = Path(out_dir), Path(site_dir)
    if verify_report is None and (out_dir / "verify.json").exists():
        verify_report = json.loads((out_dir / "verify.json").read_text(encoding="utf-8"))
    failures: dict[str, list] = {}
    for f in (verify_report or {}).get("failures", []):
        failures.setdefault(f["article_id"], []).append(f)
    (site_dir / "articles").mkdir(parents=True, exist_ok=True)
    pages, rows = [], []
    with open(out_dir / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            name = safe_name(rec["article_id"]) + ".html"
            p = site_dir / "articles" / name
            p.write_text(article_page(rec, failures.get(rec["article_id"], [])), encoding="utf-8")
            pages.append(p)
            nf = len(failures.get(rec["article_id"], []))
            rows.append(f'<tr><td><a href="articles/{_esc(name)}"><bdi>{_esc(rec["article_id"])}</bdi></a></td>'
                        f'<td>{_esc(rec["title"][:90])}</td><td>{len(rec["facts"])}</td><td>{len(rec["quantities"])}</td>'
                        f'<td>{len(rec["entities"])}</td><td>{len(rec["clusters"])}</td><td>{len(rec["warnings"])}</td>'
                        f'<td>{"⚠ " + str(nf) if nf else ""}</td></tr>')
    index = site_dir / "index.html"
    index.write_text(f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Khabar review</title><style>{CSS}</style></head>
<body><header>Khabar review · {len(rows)} articles</header><main><table>
<thead><tr><th>article</th><th>title</th><th>facts</th><th>quantities</th><th>entities</th><th>clusters</th>
<th>warnings</th><th>verify</th></tr></thead><tbody>{''.join(rows)}</tbody></table></main></body></html>
""", encoding="utf-8")
    return [index] + pages
