"""The domain's errors: each carries a Chinese message and the HTTP status a view answers with.

Raised by the workflow, the operations and the rules; turned into pages by the app's error
handlers.  This module imports nothing of the tool's.
"""


class WorkflowError(Exception):
    status = 400

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.message = message
        self.problems = problems or {}


class NotAllowed(WorkflowError):
    status = 403


class WrongState(WorkflowError):
    status = 409


class Invalid(WorkflowError):
    status = 422


class Conflict(WorkflowError):
    status = 409
