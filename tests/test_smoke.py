def test_login_page_is_swedish(client):
    response = client.get("/logga-in")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.get_data(as_text=True)


def test_member_logs_in_and_sees_start_page(login_as):
    c = login_as("member")
    page = c.get("/").get_data(as_text=True)
    assert "Mina nätverk" in page
    assert "Planeringsnätverket" in page

