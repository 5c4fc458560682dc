package org.repeatsales.hub.campaign;

import java.util.List;
import java.util.stream.Collectors;

/** A campaign definition refused on save, with every problem found, each naming its field. */
public class CampaignRejectedException extends RuntimeException {

    private final List<TemplateValidator.Problem> problems;

    public CampaignRejectedException(List<TemplateValidator.Problem> problems) {
        super(problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<TemplateValidator.Problem> problems() {
        return problems;
    }
}
