"""Official open data: read from the agencies' APIs or from the files they publish, stored with source and date.

Each source module (`jobads`, `outlook`, `kolada`) turns what the agency serves into rows; `store` writes one
source's rows in a single transaction, so a failed or partial read changes nothing already stored.
"""
