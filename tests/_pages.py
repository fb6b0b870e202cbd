"""Pages shared by the API and browser tests: invented stories, written for these tests."""
import html


def html_page(outlet: str, title: str, paragraphs: list[str]) -> str:
    t = html.escape(title, quote=True)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<html><head><title>{t}</title><meta property='og:site_name' content='{outlet}'>"
            f"<meta property='og:title' content='{t}'></head>"
            f"<body><article><h1>{t}</h1>{body}</article></body></html>")


STORIES = [
    {"url": "https://alpine-herald.example/grain-talks", "date": "2024-03-04",
     "html": html_page("Alpine Herald", "Ministers meet in Vienna to discuss grain corridor", [
         "Foreign ministers of Austria and Hungary met in Vienna on Monday to discuss a grain "
         "corridor through the region.",
         "“We agreed to keep the corridor open,” Austrian Foreign Minister Karl Brenner said "
         "after the meeting.",
         "Hungary has not agreed to the new tariffs, officials said."])},
    {"url": "https://caucasus-post.example/tbilisi-rally", "date": "2024-03-06",
     "html": html_page("Caucasus Post", "Protesters rally in Tbilisi against media law", [
         "Thousands of protesters rallied in Tbilisi on Wednesday against a proposed media law.",
         "Police arrested twelve demonstrators near parliament, the interior ministry said.",
         "Opposition leader Nino Kapanadze accused the government of silencing journalists."])},
    {"url": "https://eastern-wire.example/kharkiv-strike", "date": "2024-03-09",
     "html": html_page("Eastern Wire", "Drone strike hits Kharkiv power station", [
         "A Russian drone struck a power station in Kharkiv early on Saturday, cutting "
         "electricity to thousands of homes, regional governor Oleh Syniehubov said.",
         "Ukraine will ask its allies for more air defence systems next week, Foreign Minister "
         "Dmytro Kuleba told reporters in Kyiv."])},
]
