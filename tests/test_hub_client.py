"""The Hub client: retries with backoff, polite spacing, Link pagination, recording; never the network."""

import json
from pathlib import Path

import pytest

from llm_atlas.hub.client import HubError, LiveHub, NotFound, OfflineHub, children_url, info_url, next_link

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "tests" / "fixtures" / "hub"


class FakeResponse:
    def __init__(self, status, body=None, headers=None):
        self.status_code, self._body, self.headers = status, body, headers or {}

    def json(self):
        return self._body


class FakeSession:
    """Answers GETs from a list of (url, response) in order; records what was asked."""

    def __init__(self, answers):
        self.answers, self.asked = list(answers), []

    def get(self, url, timeout=None):
        self.asked.append(url)
        expected, answer = self.answers.pop(0)
        assert url == expected
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeTime:
    def __init__(self):
        self.now, self.slept = 0.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.now += seconds


def hub(answers, **kw):
    t = FakeTime()
    return LiveHub(session=FakeSession(answers), sleep=t.sleep, clock=t.clock, **kw), t


def test_urls_are_the_public_api():
    assert info_url("org/My-Model.v2") == "https://huggingface.co/api/models/org/My-Model.v2"
    assert children_url("org/m") == "https://huggingface.co/api/models?filter=base_model%3Aorg%2Fm&limit=1000"


def test_next_link_follows_rel_next_only():
    header = '<https://huggingface.co/api/models?p=1>; rel="prev", <https://huggingface.co/api/models?p=3>; rel="next"'
    assert next_link(header) == "https://huggingface.co/api/models?p=3"
    assert next_link('<https://x>; rel="prev"') is None


def test_retries_429_honouring_retry_after_then_succeeds():
    url = info_url("org/m")
    h, t = hub([(url, FakeResponse(429, headers={"retry-after": "7"})), (url, FakeResponse(503)), (url, FakeResponse(200, {"id": "org/m"}))],
               delay=0, backoff=2.0)
    assert h.model_info("org/m") == {"id": "org/m"}
    assert t.slept == [7.0, 2.0]  # Retry-After, then backoff 2**1
    assert h.requests == 3


def test_connection_errors_are_retried_and_then_reported():
    url = info_url("org/m")
    h, t = hub([(url, ConnectionError("reset"))] * 3, delay=0, retries=2, backoff=3.0)
    with pytest.raises(HubError, match="reset"):
        h.model_info("org/m")
    assert t.slept == [1.0, 3.0]


def test_gone_models_are_not_found_without_retry():
    url = info_url("org/gone")
    h, _ = hub([(url, FakeResponse(404))])
    with pytest.raises(NotFound):
        h.model_info("org/gone")
    assert h.requests == 1


def test_other_client_errors_are_not_retried():
    url = info_url("org/m")
    h, _ = hub([(url, FakeResponse(400))])
    with pytest.raises(HubError, match="HTTP 400"):
        h.model_info("org/m")


def test_requests_are_spaced_by_the_delay():
    a, b = info_url("org/a"), info_url("org/b")
    h, t = hub([(a, FakeResponse(200, {"id": "org/a"})), (b, FakeResponse(200, {"id": "org/b"}))], delay=0.5)
    h.model_info("org/a")
    h.model_info("org/b")
    assert t.slept == [0.5]


def test_children_follow_link_pages_and_are_recorded_in_the_offline_layout(tmp_path):
    first = children_url("org/base")
    second = "https://huggingface.co/api/models?filter=base_model%3Aorg%2Fbase&cursor=abc"
    page1 = json.loads((HUB / "children/beta-corp/beta-1b/page-0001.json").read_text())
    page2 = json.loads((HUB / "children/beta-corp/beta-1b/page-0002.json").read_text())
    h, _ = hub([(first, FakeResponse(200, page1, {"link": f'<{second}>; rel="next"'})), (second, FakeResponse(200, page2))],
               delay=0, record=tmp_path)
    assert [m["id"] for m in h.children("org/base")] == [m["id"] for m in page1 + page2]
    assert json.loads((tmp_path / "children/org/base/page-0001.json").read_text()) == page1
    assert json.loads((tmp_path / "children/org/base/page-0002.json").read_text()) == page2
    offline = OfflineHub(tmp_path)
    assert list(offline.children("org/base")) == page1 + page2


def test_model_info_is_recorded_as_received(tmp_path):
    body = json.loads((HUB / "models/someone/beta-1b-chat.json").read_text())
    h, _ = hub([(info_url("someone/beta-1b-chat"), FakeResponse(200, body))], record=tmp_path)
    h.model_info("someone/beta-1b-chat")
    assert OfflineHub(tmp_path).model_info("someone/beta-1b-chat") == body


def test_offline_missing_response_is_not_found():
    with pytest.raises(NotFound):
        OfflineHub(HUB).model_info("ghost/removed-model")
    assert list(OfflineHub(HUB).children("nobody/none")) == []


@pytest.mark.parametrize("bad", ["../etc", "org/..", "org//x", ""])
def test_repo_ids_cannot_escape_the_response_folder(bad, tmp_path):
    with pytest.raises(HubError):
        OfflineHub(tmp_path).model_info(bad)


def test_recorded_fixtures_have_the_hub_api_shape():
    for path in sorted((HUB / "models").rglob("*.json")):
        info = json.loads(path.read_text())
        assert {"_id", "id", "modelId", "author", "sha", "tags", "downloads", "likes", "createdAt", "lastModified",
                "private", "cardData", "siblings"} <= info.keys(), path
        assert path.relative_to(HUB / "models").with_suffix("").as_posix() == info["id"]
    for path in sorted((HUB / "children").rglob("page-*.json")):
        for item in json.loads(path.read_text()):
            assert {"_id", "id", "modelId", "tags", "downloads", "likes", "createdAt", "private"} <= item.keys(), path
