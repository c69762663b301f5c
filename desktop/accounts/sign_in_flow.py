"""A sign-in form wired to its own SignInController: the first sign-in (the login window) and Add account
(the same form in a dialog) both go through the password step and, with two-factor sign-in on, the code
step; the controller's signed_in says who signed in."""

from __future__ import annotations

from collections.abc import Callable

from desktop.controller.sign_in import SignInController
from desktop.views.login_window import LoginWindow


def wire_sign_in(
    form: LoginWindow, controller: SignInController, forgot_password: Callable[[str, str], object]
) -> None:
    controller.sign_in_failed.connect(form.show_error)
    controller.busy_changed.connect(form.set_busy)
    controller.second_factor_required.connect(lambda _: form.show_code_step())
    controller.code_failed.connect(form.show_code_error)
    form.sign_in_requested.connect(
        lambda url, user, password, keep: controller.sign_in(url, user, password, keep=keep)
    )
    form.register_requested.connect(
        lambda url, user, password, name, keep: controller.register(url, user, password, name, keep=keep)
    )
    form.forgot_password_requested.connect(forgot_password)
    form.code_step.code_submitted.connect(
        lambda code, recovery: controller.submit_code(code, recovery=recovery)
    )
    form.code_step.back_requested.connect(controller.cancel_second_factor)
