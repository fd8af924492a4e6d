from tests.influencers.conftest import PROGRAM_TABS, program_tab
from tests.influencers.test_program_words import _words
from tests.pages import open_page

def test_probe(demo_url, app_test):
    at = open_page(app_test(), "pages/programs/programs.py", language="id")
    seen = set()
    for code in PROGRAM_TABS:
        labels, texts = _words(program_tab(at, code))
        for w in labels + texts:
            if w not in seen:
                seen.add(w); print(code, "|", w[:160].replace("\n", " "))
        for el in at.dataframe:
            for c in el.value.columns:
                vals = {str(v)[:40] for v in el.value[c]}
                if len(vals) < 12: print("   cell", c, sorted(vals)[:12])
