import json


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, body(response)[:500]
    return json.loads(body(response))


def ids(doc: dict) -> list[int]:
    return [f["id"] for f in doc["features"]]
