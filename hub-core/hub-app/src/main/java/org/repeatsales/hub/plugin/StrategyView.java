package org.repeatsales.hub.plugin;

import java.util.List;
import org.repeatsales.hub.api.Label;
import org.repeatsales.hub.api.segment.Cell;
import org.repeatsales.hub.api.segment.ParameterSpec;

/** A segmentation strategy offered by a started plugin: what the console needs to render its form. */
public record StrategyView(String id, String plugin, Label name, Label description, List<ParameterSpec> parameters,
                           List<Cell> cells) {
}
