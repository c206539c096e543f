"""The command line and the processes it starts: `pei-report`, its Spanish help, the runtime of a
run (logs, embedded server, interruption), the Prefect servers of `serve`, crash handling.

The only package that imports `flows` (to start the Prefect flows) and the only place where
exceptions become exit codes. May import every other package.
"""
