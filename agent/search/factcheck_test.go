package search_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/clara-backend/clara/agent/search"
)

// factCheckAnswer is a claims:search answer: two claims, four reviews, one
// of them without a usable URL.
const factCheckAnswer = `{
  "claims": [
    {"text": "The Eiffel Tower was built in 1789.", "claimant": "Facebook posts", "claimDate": "2024-01-10T00:00:00Z",
     "claimReview": [
       {"publisher": {"name": "AFP Fact Check", "site": "factcheck.afp.com"},
        "url": "https://factcheck.afp.com/doc.afp.com.34EX9QZ", "title": "No, the Eiffel Tower was not built in 1789",
        "reviewDate": "2024-01-12T10:00:00Z", "textualRating": "False", "languageCode": "en"},
       {"publisher": {"site": "lemonde.fr"}, "url": "https://www.lemonde.fr/les-decodeurs/article/2024/01/13/tour-eiffel.html",
        "title": "La tour Eiffel date de 1889", "reviewDate": "2024-01-13T08:00:00Z", "textualRating": "Faux", "languageCode": "fr"}
     ]},
    {"text": "The Eiffel Tower  is  made of steel.",
     "claimReview": [
       {"publisher": {"name": "Nowhere"}, "url": "not a url", "textualRating": "False"},
       {"publisher": {"name": "PolitiFact", "site": "politifact.com"}, "url": "https://www.politifact.com/factchecks/2023/may/02/eiffel/",
        "title": "It is wrought iron", "reviewDate": "2023-05-02T00:00:00Z", "textualRating": "Mostly False", "languageCode": "en"}
     ]}
  ],
  "nextPageToken": "CAM"
}`

func TestFactCheckTools(t *testing.T) {
	var pageSize string
	s := fake(t, answer(t, func(r *http.Request) {
		q := r.URL.Query()
		pageSize = q.Get("pageSize")
		if r.Method != http.MethodGet || r.URL.Path != "/v1alpha1/claims:search" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		if q.Get("query") != "eiffel tower 1789" || q.Get("key") != testKey || q.Has("languageCode") {
			t.Errorf("query %v", q)
		}
	}, factCheckAnswer))
	f, err := search.NewFactCheckTools(testKey, s.URL+"/v1alpha1/claims:search", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.FactChecks(context.Background(), " eiffel tower 1789 ", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Review{
		{Publisher: "AFP Fact Check", Rating: "False", ClaimReviewed: "The Eiffel Tower was built in 1789.",
			Claimant: "Facebook posts", URL: "https://factcheck.afp.com/doc.afp.com.34EX9QZ",
			Title: "No, the Eiffel Tower was not built in 1789", Date: "2024-01-12T10:00:00Z"},
		{Publisher: "lemonde.fr", Rating: "Faux", ClaimReviewed: "The Eiffel Tower was built in 1789.",
			Claimant: "Facebook posts", URL: "https://www.lemonde.fr/les-decodeurs/article/2024/01/13/tour-eiffel.html",
			Title: "La tour Eiffel date de 1889", Date: "2024-01-13T08:00:00Z"},
		{Publisher: "PolitiFact", Rating: "Mostly False", ClaimReviewed: "The Eiffel Tower is made of steel.",
			URL: "https://www.politifact.com/factchecks/2023/may/02/eiffel/", Title: "It is wrought iron", Date: "2023-05-02T00:00:00Z"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reviews:\n%+v\nwant\n%+v", got, want)
	}
	if pageSize != "10" {
		t.Errorf("pageSize = %q, want 10", pageSize)
	}

	got, err = f.FactChecks(context.Background(), "eiffel tower 1789", 2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want[:2]) || pageSize != "2" {
		t.Errorf("with max 2: pageSize=%s, %+v", pageSize, got)
	}
}
