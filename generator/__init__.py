"""Turns plain-text dumps of Hugging Face papers pages into a MkDocs Material site.

Pipeline: ``parse`` -> ``catalogue`` -> enrich (``taxonomy``, ``related``, ``mentions``)
-> ``render`` -> ``writer``; ``build`` runs it, ``plugin`` hands it to MkDocs and ``cli``
to a terminal.
"""
