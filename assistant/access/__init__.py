"""Who may do what, and the record of what they did: the permission and audit layer every
service calls, so it sits below them all. It imports only `platform` (the app database's
`Base`); `answering`, `documents`, `drafting`, `services`, `workspace`, the CLI and the UI
import it.

- `roles`: roles (Admin, Bearbeitung, Lesen), actions, `Principal`, `PermissionDenied`,
  `require(user, workspace, action)`.
- `models`: the tables the checks read and write: users, workspaces, memberships, the
  audit log, conversation threads and their owner and privacy (`thread_access`).
- `principals`: a person with their current roles, read from the database.
- `audit`: the append-only audit log.
- `threads`: which conversation threads a person sees; creating and sharing them.
- `policy`: `Policy`, one person in one workspace: the guard the services call to check
  and log each action (`UNGUARDED` without login).
"""
