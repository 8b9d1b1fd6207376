"""Demo data: a seeded, synthetic library network with learners and their progress.

For benchmarking and trying out reports; `flask demo generate --learners N [--seed S]`.
"""
