"""link: the stage between enrich and store that ties articles together.

families (near-duplicate copies), stories (articles about the same developing news),
incidents (events from different articles that are one real-world happening).
"""
