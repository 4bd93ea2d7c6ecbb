"""The secretariat's pages for the council's bodies (会議体の設定): the tree of any 年度, add, rename,
pause/end, successor, order, yearly target. Writes go through council.services."""

urlpatterns: list = []
