"""Store configuration: the tree of sections, groups and fields (tree.py), its menu documents, and
values read and written per channel and locale with validation from the tree (values.py)."""
