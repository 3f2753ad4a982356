"""Managing a workspace's conversation threads: deleting one with all its messages.

Seeing, creating and sharing threads is `assistant.access.threads.ThreadAccessStore` (the
permission checks need it); this store adds what touches the conversation itself.
"""

from __future__ import annotations

from assistant.access import audit
from assistant.access.roles import Action, PermissionDenied, Principal, Role
from assistant.access.threads import ThreadAccessStore
from assistant.answering.conversation import ConversationStore


class WorkspaceThreads(ThreadAccessStore):
    """Threads of one workspace as one person may see, share and delete them."""

    def delete(self, user: Principal, thread_id: str) -> None:
        """Delete a thread: its owner, or an editor/admin for shared threads."""
        self.require_visible(user, thread_id)
        owner = self.owner_id(thread_id)
        if owner != user.id or owner is None:
            role = user.role_in(self.workspace)
            if role not in (Role.ADMIN, Role.BEARBEITUNG):
                raise PermissionDenied(
                    "Gespräche anderer Personen dürfen nur „Bearbeitung“ und „Admin“ löschen.",
                    user,
                    self.workspace,
                    Action.DELETE,
                )
        ConversationStore(self.engine, self.workspace).delete(thread_id)
        self.audit.record(user.username, audit.THREAD_DELETE, self.workspace, thread_id)
