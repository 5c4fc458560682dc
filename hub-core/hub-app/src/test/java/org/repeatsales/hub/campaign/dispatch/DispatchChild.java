package org.repeatsales.hub.campaign.dispatch;

import org.repeatsales.hub.HubApplication;
import org.repeatsales.hub.campaign.MessageRenderer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.support.GenericApplicationContext;

/**
 * A hub started as a child process by the dispatch kill test: the real application with the
 * test-only renderer (until the template engine is installed), so the test can kill it mid-run.
 */
public final class DispatchChild {

    private DispatchChild() {
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(HubApplication.class)
                .initializers(context -> ((GenericApplicationContext) context)
                        // primary: the hub's own template renderer is a bean as well
                        .registerBean(MessageRenderer.class, PlainTextRenderer::new, bean -> bean.setPrimary(true)))
                .run(args);
    }
}
