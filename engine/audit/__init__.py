"""Batch audits: many submissions through `inputs.check_input`, streamed, in parallel, resumable.

sources.py selects the submissions (folders, files, manifests), executors.py checks them (in this process
or a pool of processes, the policies compiled once per worker), journal.py records each result as it
completes so that `--resume` can skip it, writers.py turns the journal into findings.jsonl, summary.csv
and rules.csv, manifest.py records what the audit was run with; running.py ties them together.
"""
