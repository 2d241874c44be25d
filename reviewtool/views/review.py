"""The leaders' sign-off screens: division head (分管领导) and principal (主要负责人)."""
from flask import Blueprint, abort, redirect, url_for

from ..labels import Action, Role
from .common import performs, role_required
from .panels import act

bp = Blueprint("review", __name__, url_prefix="/review")

LEADER_ACTIONS = {Action.DIVISION_SIGN_OFF, Action.PRINCIPAL_SIGN_OFF, Action.SEND_BACK,
                  Action.CONVERSION_REFUSE}


@bp.get("/")
@role_required(Role.DIVISION_HEAD, Role.PRINCIPAL)
def inbox():
    return redirect(url_for("documents.home", list="inbox"))


@bp.post("/<int:doc_id>/<action>")
@role_required(Role.DIVISION_HEAD, Role.PRINCIPAL)
@performs(bp, Action.DIVISION_SIGN_OFF, action=Action.DIVISION_SIGN_OFF.value)
@performs(bp, Action.PRINCIPAL_SIGN_OFF, action=Action.PRINCIPAL_SIGN_OFF.value)
@performs(bp, Action.SEND_BACK, action=Action.SEND_BACK.value)
@performs(bp, Action.CONVERSION_REFUSE, action=Action.CONVERSION_REFUSE.value)
def decide(doc_id, action):
    action = Action.get(action)
    if action not in LEADER_ACTIONS:
        abort(404)
    return act(doc_id, action)
