import pytest
from tests import factories
from tests.tracker.browse.builders import build_city, build_plan

pytestmark = pytest.mark.django_db

def test_smoke(client, supervisor):
    city = build_city()
    doc = build_plan(city)
    doc2 = build_plan(city, year=2019, doc_number="聊政发〔2019〕5号", lead_names=["市发改委"])
    factories.make_period(2018, 1)
    factories.make_period(2018, 2)
    client.force_login(supervisor)
    for url in ["/tasks/", f"/tasks/?plan={doc.pk}&sort=light", f"/tasks/?unit={city['units']['市发改委'].pk}", "/plans/", f"/plans/{doc.pk}/", f"/plans/{doc.pk}/?light=red", f"/units/{city['successors']['市发改委'].pk}/", "/officials/1/", "/dashboard/", "/tasks/?q=营商环境&light=red"]:
        r = client.get(url)
        print(url, r.status_code, len(r.content))
        assert r.status_code == 200, r.content[:3000]
    open("/tmp/browse_matrix.html","wb").write(client.get(f"/plans/{doc.pk}/").content)
    r = client.get("/tasks/")
    open("/tmp/browse_list.html","wb").write(r.content)
