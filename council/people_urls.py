"""The secretariat's pages for people, memberships and sign-in accounts (人物・構成員): add people
with their organisation, put them in bodies with terms and roles, invite or print a first-password
letter. Writes go through council.services and accounts.services."""

urlpatterns: list = []
