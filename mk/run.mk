# run.mk: make run's own test (the stages are declared by each area's
# fragment as run-X steps; the driver is in the Makefile; docs/run.md).
#
#   tests/tools/run-summary.t   scripts/run-summary on real stage logs
#                               (tests/tools/run-logs/), run-stages over
#                               canned stages

TESTS += tests/tools/run-summary.t
