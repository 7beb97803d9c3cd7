"""pywa 4.5.0's Flows client against risala: create a flow, upload its Flow JSON (an invalid one
first: the validation errors come back), publish, read it back, list, send it as a flow message,
and the customer completes it through the customer API."""

from __future__ import annotations

import json

from common import check
from pywa import WhatsApp, types
from pywa.types.flows import FlowCategory, FlowStatus

C = "pywa 4.5.0"

FLOW_JSON = {
    "version": "7.1",
    "screens": [
        {
            "id": "ASK",
            "title": "Your name",
            "layout": {
                "type": "SingleColumnLayout",
                "children": [
                    {"type": "TextInput", "name": "full_name", "label": "Full name"},
                    {
                        "type": "Footer",
                        "label": "Done",
                        "on-click-action": {"name": "complete", "payload": {"full_name": "${form.full_name}"}},
                    },
                ],
            },
            "terminal": True,
        }
    ],
}


def run(wa: WhatsApp, alice) -> None:
    flow_id = None
    with check(C, "flows: create_flow"):
        created = wa.create_flow(name="pywa_signup", categories=[FlowCategory.SIGN_UP, FlowCategory.OTHER])
        assert created.id and created.success, created
        flow_id = created.id
    with check(C, "flows: update_flow_json (validation errors reported)"):
        bad = json.loads(json.dumps(FLOW_JSON))
        bad["screens"][0]["layout"]["children"][0]["type"] = "TextImput"
        try:
            result = wa.update_flow_json(flow_id, flow_json=bad)
            errors = result.validation_errors or ()
        except Exception as e:  # pywa raises the first validation error
            errors = (e,)
        assert errors, "an unknown component must be reported"
    with check(C, "flows: update_flow_json + publish_flow"):
        result = wa.update_flow_json(flow_id, flow_json=FLOW_JSON)
        assert result.success and not result.validation_errors, result
        assert wa.publish_flow(flow_id).success
    with check(C, "flows: get_flow"):
        details = wa.get_flow(flow_id)
        assert details.status == FlowStatus.PUBLISHED, details
        assert details.json_version == "7.1" and details.preview and details.preview.url, details
    with check(C, "flows: get_flows"):
        assert any(f.id == flow_id for f in wa.get_flows()), "the new flow is listed"
    wamid = None
    with check(C, "flows: send flow message (FlowButton)"):
        r = wa.send_message(
            alice.wa_id,
            "Sign up",
            buttons=types.FlowButton(
                title="Start",
                flow_id=flow_id,
                flow_token="pywa-token",
                flow_action_type=types.FlowActionType.NAVIGATE,
                flow_action_screen="ASK",
            ),
        )
        assert r.id.startswith("wamid."), r
        wamid = r.id
    with check(C, "flows: the customer completes the flow (nfm_reply)"):
        r = alice.http.get(f"/customer/v1/flows/{wamid}")
        assert r.status_code == 200 and r.json()["screen"] == "ASK", r.text
        r = alice.http.post(
            f"/customer/v1/flows/{wamid}/complete", json={"screen": "ASK", "response": {"full_name": "Alice"}}
        )
        assert r.status_code == 200, r.text
    with check(C, "flows: a draft flow is refused in published mode"):
        draft = wa.create_flow(name="pywa_draft", categories=[FlowCategory.SURVEY], flow_json=FLOW_JSON)
        try:
            wa.send_message(alice.wa_id, "Try", buttons=types.FlowButton(title="Go", flow_id=draft.id, flow_action_screen="ASK"))
            raise AssertionError("a DRAFT flow was sent in published mode")
        except AssertionError:
            raise
        except Exception as e:
            assert getattr(e, "code", None) == 131009, e
