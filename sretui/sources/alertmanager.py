"""A client for the Alertmanager API v2: alerts, silences, status.

A plain async class around one `httpx.AsyncClient` (the plumbing is `sretui.sources.http`), with
no UI in it. Alertmanager's answers become frozen dataclasses that keep text from outside
(labels, annotations, comments) exactly as it came: to show it on a terminal, pass it through
`safe_text` and then into Textual as `rich.text.Text` or with `markup=False`.

Times are aware UTC datetimes in and out; naive ones are refused with `ValueError`. See
docs/alertmanager.md for the calls used, their semantics and the pitfalls found against
Alertmanager 0.25.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from sretui.domain.endpoint import Endpoint
from sretui.domain.text import safe_text
from sretui.sources.alertmanager_model import (  # re-exported: the client's API
    _GO_ZERO_TIME,
    ALERT_STATES,
    SILENCE_STATES,
    Alert,
    AlertmanagerError,
    Matcher,
    Silence,
    _format_time,
    matchers_for_alert,
    parse_time,
)
from sretui.sources.http import HttpBackend, QueryArgs, Unauthorized, snippet

__all__ = [
    "ALERT_STATES",
    "SILENCE_STATES",
    "Alert",
    "AlertmanagerError",
    "AlertmanagerSource",
    "Matcher",
    "Silence",
    "Unauthorized",
    "matchers_for_alert",
    "parse_time",
    "safe_text",
]

_SILENCE_ID = re.compile(r"[A-Za-z0-9_-]+")
"""Alertmanager's silence IDs are UUIDs; this is all that may go into the URL path."""


# -- the client -----------------------------------------------------------------------------------


class AlertmanagerSource(HttpBackend):
    """Reads alerts and silences from Alertmanager (API v2) and creates and expires silences.

    Works with Prometheus's Alertmanager and with what speaks its API v2 (Mimir, Cortex; give the
    URL with their path prefix, e.g. `https://mimir.example/alertmanager`). At most
    `max_concurrency` requests are in flight; reads and expiring a silence are retried `retries`
    times on 503, timeouts and failed connections, creating a silence only when the connection
    could not be made (a retry must never create a second silence).

    Errors: `AlertmanagerError` when Alertmanager refuses the request (its own message),
    `Unauthorized` for 401/403, `BackendUnavailable` when it cannot be reached or fails,
    `BadResponse` when the answer is not Alertmanager's API. Every message names the URL
    without credentials and never contains a token or password.
    """

    api_name = "Alertmanager API v2"

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        max_concurrency: int = 4,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            endpoint, max_concurrency=max_concurrency, retries=retries, transport=transport
        )

    async def alerts(
        self,
        *,
        active: bool = True,
        silenced: bool = False,
        inhibited: bool = False,
        filters: Sequence[str | Matcher] = (),
    ) -> list[Alert]:
        """The alerts Alertmanager holds now (GET /api/v2/alerts), in its order (fingerprint).

        `active`, `silenced` and `inhibited` choose which states to include; the default is what
        needs attention: firing alerts that nobody silenced or inhibited. An alert both silenced
        and inhibited needs both flags. Alerts not yet processed count as active. `filters` are
        matchers, all of which an alert must satisfy: `Matcher`s or strings in Alertmanager's
        syntax (`service="checkout"`, `severity=~"page|critical"`); a malformed one raises
        `AlertmanagerError` with Alertmanager's complaint.
        """
        params = {
            "active": _flag(active),
            "silenced": _flag(silenced),
            "inhibited": _flag(inhibited),
            "unprocessed": _flag(active),
            "filter": [str(item) for item in filters],
        }
        body = await self._call("GET", "api/v2/alerts", params=params, request="the alert filter")
        return [self._alert(item) for item in self._list(body, "alerts")]

    async def silences(self) -> list[Silence]:
        """Every silence Alertmanager remembers (GET /api/v2/silences), newest first.

        "Newest" means latest `starts_at` (ties: latest `ends_at`, then ID): a pending silence
        comes before the active ones, and a silence just created before older ones. Expired
        silences are kept by Alertmanager for its retention time (5 days by default).
        """
        body = await self._call("GET", "api/v2/silences")
        found = [self._silence(item) for item in self._list(body, "silences")]
        found.sort(key=lambda s: (s.starts_at, s.ends_at, s.id), reverse=True)
        return found

    async def create_silence(
        self,
        matchers: Sequence[Matcher],
        *,
        starts_at: datetime,
        ends_at: datetime,
        created_by: str,
        comment: str,
    ) -> str:
        """Create a silence (POST /api/v2/silences) and return its ID.

        Alertmanager moves a `starts_at` in the past to the moment it receives the silence, and
        refuses (`AlertmanagerError`, in its words) a silence whose end is not after its start or
        is in the past, a matcher set that matches the empty label set, or a bad regex. Raises
        `ValueError` for naive datetimes or no matchers. Never retried once sent: after a
        timeout, look at `silences()` before creating it again.
        """
        if not matchers:
            raise ValueError("a silence needs at least one matcher; without one it mutes all")
        payload = {
            "matchers": [
                {
                    "name": matcher.name,
                    "value": matcher.value,
                    "isRegex": matcher.is_regex,
                    "isEqual": matcher.is_equal,
                }
                for matcher in matchers
            ],
            "startsAt": _format_time(starts_at, "starts_at"),
            "endsAt": _format_time(ends_at, "ends_at"),
            "createdBy": created_by,
            "comment": comment,
        }
        body = await self._call(
            "POST",
            "api/v2/silences",
            json_body=payload,
            request="the silence",
            idempotent=False,
            if_unsure="the silence may have been created anyway: list the silences before "
            "trying again",
        )
        silence_id = body.get("silenceID") if isinstance(body, dict) else None
        if not isinstance(silence_id, str) or not silence_id:
            raise self._bad("answered the new silence without a 'silenceID'")
        return silence_id

    async def expire_silence(self, silence_id: str) -> None:
        """Expire a silence now (DELETE /api/v2/silence/{id}); its alerts notify again.

        Expiring an expired silence succeeds (Alertmanager 0.25), so this is safe to retry. An
        unknown ID raises `AlertmanagerError`; an ID that cannot be a silence ID, `ValueError`.
        """
        if not _SILENCE_ID.fullmatch(silence_id):
            raise ValueError(f"not a silence ID: {snippet(silence_id)!r}")
        await self._call(
            "DELETE", f"api/v2/silence/{silence_id}", silence_id=silence_id, empty_ok=True
        )

    async def probe(self) -> None:
        """Check that the endpoint is an Alertmanager that answers (GET /api/v2/status).

        The status includes Alertmanager's whole configuration (receiver URLs, which may carry
        tokens): only its shape is checked, and nothing of it is kept or quoted.
        """
        body = await self._call("GET", "api/v2/status")
        if not (
            isinstance(body, dict)
            and isinstance(body.get("versionInfo"), dict)
            and isinstance(body.get("cluster"), dict)
        ):
            raise self._bad(
                "answered /api/v2/status with JSON that is not an Alertmanager status: "
                "is this URL an Alertmanager?"
            )

    # -- requests -------------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: QueryArgs | None = None,
        json_body: Any = None,
        idempotent: bool = True,
        if_unsure: str = "",
        request: str = "the request",
        silence_id: str | None = None,
        empty_ok: bool = False,
    ) -> Any:
        """Send a request and return the JSON of its answer (None for an empty 2xx answer
        when `empty_ok`)."""
        response = await self._send(
            method,
            path,
            params=params,
            json_body=json_body,
            idempotent=idempotent,
            if_unsure=if_unsure,
        )
        if response.status_code >= 400:
            self._raise_refusal(response, request, silence_id)
        self._raise_for_status(response, path)
        if empty_ok and not response.content.strip():
            return None
        return self._json_body(response)

    def _raise_refusal(
        self, response: httpx.Response, request: str, silence_id: str | None
    ) -> None:
        """`AlertmanagerError` for the answers in which Alertmanager refuses a request."""
        status = response.status_code
        message = self._server_message(response)
        body = self._json(response)
        # Alertmanager's own errors are JSON (a string, or go-swagger's {"code", "message"});
        # a proxy's or another server's 400/404 is HTML or text and handled as a wrong URL.
        from_alertmanager = isinstance(body, str) or (
            isinstance(body, dict) and isinstance(body.get("message"), str)
        )
        if status in (400, 422) and from_alertmanager:
            raise AlertmanagerError(
                f"refused {request} (HTTP {status}): {message}",
                status=status,
                url=self._description,
            )
        # 0.25 answers an unknown silence with 500 "silence not found"; later versions with an
        # empty 404 (a wrong URL gets "404 page not found" as text, handled as such).
        unknown_silence = (status == 404 and (from_alertmanager or not response.content)) or (
            status == 500 and from_alertmanager and "not found" in message.lower()
        )
        if silence_id is not None and unknown_silence:
            raise AlertmanagerError(
                f"has no silence {silence_id}" + (f": {message}" if message else ""),
                status=status,
                url=self._description,
            )

    # -- parsing --------------------------------------------------------------------------------

    def _list(self, body: Any, what: str) -> list[dict[str, Any]]:
        if body is None:
            return []
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise self._bad(f"answered {what} that are not a list of objects")
        return body

    def _alert(self, item: Mapping[str, Any]) -> Alert:
        status = item.get("status")
        if not isinstance(status, dict):
            raise self._bad("answered an alert without a 'status'")
        state = status.get("state")
        if not isinstance(state, str):
            raise self._bad("answered an alert whose state is not a string")
        fingerprint = item.get("fingerprint")
        if not isinstance(fingerprint, str):
            raise self._bad("answered an alert without a 'fingerprint'")
        generator_url = item.get("generatorURL") or ""
        if not isinstance(generator_url, str):
            raise self._bad("answered an alert whose 'generatorURL' is not a string")
        return Alert(
            fingerprint=fingerprint,
            labels=self._string_map(item.get("labels"), "alert labels", required=True),
            annotations=self._string_map(item.get("annotations"), "alert annotations"),
            starts_at=self._time(item.get("startsAt"), "an alert's startsAt"),
            ends_at=self._optional_time(item.get("endsAt"), "an alert's endsAt"),
            state=state,
            silenced_by=self._strings(status.get("silencedBy"), "silencedBy"),
            inhibited_by=self._strings(status.get("inhibitedBy"), "inhibitedBy"),
            generator_url=generator_url,
        )

    def _silence(self, item: Mapping[str, Any]) -> Silence:
        status = item.get("status")
        state = status.get("state") if isinstance(status, dict) else None
        if not isinstance(state, str):
            raise self._bad("answered a silence without a state")
        silence_id = item.get("id")
        if not isinstance(silence_id, str) or not silence_id:
            raise self._bad("answered a silence without an 'id'")
        raw_matchers = item.get("matchers")
        if not isinstance(raw_matchers, list):
            raise self._bad(f"answered silence {snippet(silence_id)} without 'matchers'")
        created_by, comment = item.get("createdBy", ""), item.get("comment", "")
        if not isinstance(created_by, str) or not isinstance(comment, str):
            raise self._bad("answered a silence whose createdBy or comment is not a string")
        return Silence(
            id=silence_id,
            matchers=tuple(self._matcher(raw) for raw in raw_matchers),
            starts_at=self._time(item.get("startsAt"), "a silence's startsAt"),
            ends_at=self._time(item.get("endsAt"), "a silence's endsAt"),
            created_by=created_by,
            comment=comment,
            state=state,
        )

    def _matcher(self, raw: Any) -> Matcher:
        if not isinstance(raw, dict):
            raise self._bad("answered a silence matcher that is not an object")
        name, value = raw.get("name"), raw.get("value")
        is_regex, is_equal = raw.get("isRegex", False), raw.get("isEqual", True)
        # isEqual is missing before Alertmanager 0.22, where every matcher was positive.
        if not (
            isinstance(name, str)
            and isinstance(value, str)
            and isinstance(is_regex, bool)
            and isinstance(is_equal, bool)
        ):
            raise self._bad("answered a silence matcher with fields of the wrong type")
        return Matcher(name=name, value=value, is_regex=is_regex, is_equal=is_equal)

    def _string_map(self, raw: Any, what: str, *, required: bool = False) -> dict[str, str]:
        if raw is None and not required:
            return {}
        if not isinstance(raw, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
        ):
            raise self._bad(f"answered {what} that are not a map of strings")
        return dict(raw)

    def _strings(self, raw: Any, what: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise self._bad(f"answered a '{what}' that is not a list of strings")
        return tuple(raw)

    def _time(self, raw: Any, what: str) -> datetime:
        if not isinstance(raw, str):
            raise self._bad(f"answered {what} that is not a time")
        try:
            return parse_time(raw)
        except ValueError:
            quoted = self._quotable(raw)
            raise self._bad(f"answered {what} that is not a time: {quoted!r}") from None

    def _optional_time(self, raw: Any, what: str) -> datetime | None:
        if raw is None or raw == "":
            return None
        moment = self._time(raw, what)
        return None if moment == _GO_ZERO_TIME else moment


def _flag(value: bool) -> str:
    return "true" if value else "false"
