"""Industrial-chain analytics 产业链分析: template validation, firm-to-segment matching, gap rules.

Pure Python (no Django): the web app in ``chainboard.chains`` hands in plain values and stores the
results. See ``docs/chains.md`` for the rules, their parameters and their sources.
"""
