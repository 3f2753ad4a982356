"""Workspaces, people, roles and shared threads managed: the top layer of the library, which
may import every other package of it (`services`, `drafting`, `answering`, `documents`,
`access`, `index`, `platform`), and is imported only by the CLI and the UI. The checks
themselves (roles, audit log, policy, thread access) are `assistant.access`; comments on
draft sections and their version history are `assistant.drafting`.

- `accounts`: user accounts, argon2 passwords, login, the first administrator.
- `workspaces`: workspaces, memberships, attached knowledge bases.
- `threads`: deleting a conversation thread with its messages (`WorkspaceThreads`).
- `models`: the table of attached knowledge bases.
- `cli`: `planwerk user …`, `planwerk workspace …`, `planwerk backup` / `restore`.
"""
