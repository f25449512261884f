"""Citations that read well in JupyterLab too: ``[LeCun et al., 1998](#lecun1998gradient)``.

jupyterlab-myst cannot read ``book/references.bib``, so a ``{cite}`` role shows "Citation
Not Found" in the notebooks. The chapters therefore cite with a Markdown link whose text is
the author and year and whose target is the BibTeX key. In JupyterLab it reads as plain
text; on the site this extension resolves the key to its entry on the bibliography page
(MyST asks every domain to resolve ``#target`` links). An unknown key stays unresolved, and
the build, run with warnings as errors, fails.
"""

from __future__ import annotations

from sphinx.domains import Domain
from sphinx.util.nodes import make_refnode


class BibKeyDomain(Domain):
    """Resolves a MyST ``#key`` link to the bibliography entry of BibTeX key ``key``."""

    name = "cnnlab-bib"
    label = "CNN Lab bibliography links"

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        for where, bibliography in env.get_domain("cite").bibliographies.items():
            citation = bibliography.citation_nodes.get(target)
            if citation is not None and citation["ids"]:
                ref = make_refnode(builder, fromdocname, where.docname, citation["ids"][0], contnode)
                return [("cnnlab-bib:ref", ref)]
        return []

    def merge_domaindata(self, docnames, otherdata):
        pass


def setup(app):
    app.add_domain(BibKeyDomain)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
