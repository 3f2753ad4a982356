"""Workspaces, people, roles, shared threads, comments and the audit log: the top layer of
the library, which may import every other package of it (`services`, `drafting`,
`answering`, `documents`, `index`, `platform`), and is imported only by the CLI and the UI.

- `access`: roles (Admin, Bearbeitung, Lesen), actions, `require(user, workspace, action)`.
- `accounts`: user accounts, argon2 passwords, login, the first administrator.
- `workspaces`: workspaces, memberships, attached knowledge bases.
- `audit`: the append-only audit log.
- `threads`: shared and private conversation threads.
- `comments`: comments on draft sections with @mentions.
- `policy`: `Policy`, one person in one workspace: the guard the services call to check
  and log each action (`UNGUARDED` without login).
- `cli`: `planwerk user …`, `planwerk workspace …`, `planwerk backup` / `restore`.
"""
