package io.hybridcast.trainer;

import io.hybridcast.trainer.basemodel.BaseModelsCommand;
import io.hybridcast.trainer.basemodel.LineRemainderCommand;
import io.hybridcast.trainer.experiment.ExperimentCommand;
import io.hybridcast.trainer.service.ServiceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The trainer's command line: {@code service} runs the continuous re-meta-training loop against Kafka;
 * further subcommands (the offline experiments) are registered here beside it.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "hybridcast trainer: continuous re-meta-training and offline experiments.",
        subcommands = {ServiceCommand.class, ExperimentCommand.class, BaseModelsCommand.class,
                LineRemainderCommand.class})
public final class TrainerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a subcommand (see --help)");
    }

    /** Entry point; exits non-zero on a bad flag (2) or a failure (1). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainerCommand()).execute(args));
    }
}
