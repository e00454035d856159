"""Held-out sets of fictional conditional threats and offers, with their gold, for measuring.

``HELDOUT`` was written (2026-12-05) before the conditions rules were read or tuned against it, in
the style of wire news about the leaders of fictional countries: every trigger the
issue names (if, unless, only if, if and only if, provided (that), as/so long as,
in case, in the event that, on condition that, should X, were X, were X to, had X),
conditions before and after their consequence, inside direct quotes, in indirect
speech, in narrative with no holder, in multi-sentence quotes and quotes resumed
after their attribution; and negatives that are no condition ("asked if", "as if",
"even if", "whether", "if anything", "if not most", "if ever", "if only", "what if"
headlines, "on condition of anonymity", "in the event" as "as it turned out", a
non-inverted "were to", questions opening with "Should" / "Were" / "Had").
``FRESH`` was written after the first round of changes, to measure them on passages
they were not made on; ``LAST`` after the last change, measured once, never tuned on.

Gold convention (the schema's guideline for Condition): a Condition *includes* its
conjunction or inverted auxiliary ("unless the debt is paid", "Should the talks
resume", "Had Norvik signed the treaty"); the Consequence is the clause the
condition attaches to, without the condition and without a correlative "then";
the holder is the speaker of the quote (direct or indirect) the conditional sits
in, as the Actor mention of the attribution (with the title that is part of the
name), and none in narrative. Offsets come from substrings (see
:mod:`suggest_samples`), never typed.

``Case.not_conditions`` are the would-be conditions of the negatives: the clause a
careless rule would propose from the non-conditional trigger. ``bench/conditions_bench.py``
counts a false positive when a proposed Condition shares a word with one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suggest_samples import If, Sample


@dataclass
class Case(Sample):
    not_conditions: list[str] = field(default_factory=list)


HELDOUT: list[Case] = [
    Case("“If Caldrian troops set foot on the islands, we will sink every ship they send,” "
         "President Halvard Renn told a rally in Norvik on Sunday.", [],
         [If("If Caldrian troops set foot on the islands", "we will sink every ship they send",
             "President Halvard Renn")]),
    Case("Foreign Minister Sabine Tolle said Aldmark would expel the Norvik ambassador unless "
         "the detained journalists were released by Friday.", [],
         [If("unless the detained journalists were released by Friday",
             "Aldmark would expel the Norvik ambassador", "Foreign Minister Sabine Tolle")]),
    Case("“Should the ceasefire hold until the spring, we are prepared to open the northern "
         "crossings,” said Prime Minister Joren Asker of Caldria.", [],
         [If("Should the ceasefire hold until the spring",
             "we are prepared to open the northern crossings", "Prime Minister Joren Asker")]),
    Case("The rebels will lay down their weapons on condition that the amnesty law is passed, "
         "their commander, Idris Kael, said in a radio address.", [],
         [If("on condition that the amnesty law is passed",
             "The rebels will lay down their weapons", "Idris Kael")]),
    Case("“We will keep buying Tessany's wheat as long as the price stays fair,” Trade Minister "
         "Oskar Lind said.", [],
         [If("as long as the price stays fair", "We will keep buying Tessany's wheat",
             "Trade Minister Oskar Lind")]),
    Case("Chancellor Mirela Voss warned on Tuesday that Tessany would cut off electricity exports "
         "to Varnia in the event that the border fence is built.", [],
         [If("in the event that the border fence is built",
             "Tessany would cut off electricity exports to Varnia", "Chancellor Mirela Voss")]),
    Case("“Were Varnia to annex the valley, there would be no more talks,” Voss told parliament.",
         [], [If("Were Varnia to annex the valley", "there would be no more talks", "Voss")]),
    Case("“Had the ministry listened to the engineers, the dam would still be standing,” "
         "opposition leader Petra Olm said.", [],
         [If("Had the ministry listened to the engineers", "the dam would still be standing",
             "opposition leader Petra Olm")]),
    Case("Reporters asked if the summit in Lindholm would go ahead after the storm.", [], [],
         ["if the summit in Lindholm would go ahead after the storm"]),
    Case("“Only if the sanctions are lifted will Norvik return to the negotiating table,” Renn "
         "said.", [],
         [If("Only if the sanctions are lifted", "will Norvik return to the negotiating table",
             "Renn")]),
    Case("General Anselm Dray said the army would withdraw from the border villages provided that "
         "Caldria pulled back its artillery.", [],
         [If("provided that Caldria pulled back its artillery",
             "the army would withdraw from the border villages", "General Anselm Dray")]),
    Case("The minister spoke as if the election had already been won, aides said.", [], [],
         ["if the election had already been won"]),
    Case("“We are keeping two battalions at the pass in case the militias return,” Dray told "
         "reporters.", [],
         [If("in case the militias return", "We are keeping two battalions at the pass", "Dray")]),
    Case("Caldria's government must resign if parliament rejects the budget twice.", [],
         [If("if parliament rejects the budget twice", "Caldria's government must resign")]),
    Case("“If you sign the accord, you will have our gas at half the price. If you refuse, the "
         "pipeline stays shut,” Energy Minister Rafe Olin told the Varnian delegation in Kessel.",
         [], [If("If you sign the accord", "you will have our gas at half the price",
                 "Energy Minister Rafe Olin"),
              If("If you refuse", "the pipeline stays shut", "Energy Minister Rafe Olin")]),
    Case("“Even if the talks fail, we will not give up,” Olin said.", [], [],
         ["if the talks fail"]),
    Case("Varnia will release the seized tanker if Aldmark pays the port fees, a foreign ministry "
         "spokesman said on Monday.", [],
         [If("if Aldmark pays the port fees", "Varnia will release the seized tanker",
             "a foreign ministry spokesman")]),
    Case("What if Norvik walks away from the water treaty?", [], [],
         ["if Norvik walks away from the water treaty"]),
    Case("“The strike will go on as long as a single miner is in prison,” union leader Mara Quill "
         "said outside the court.", [],
         [If("as long as a single miner is in prison", "The strike will go on",
             "union leader Mara Quill")]),
    Case("Tolle said that if the detainees were freed, Aldmark would restore full diplomatic "
         "relations within a week.", [],
         [If("if the detainees were freed",
             "Aldmark would restore full diplomatic relations within a week", "Tolle")]),
    Case("If anything, the sanctions have strengthened Renn's grip on power, diplomats in Norvik "
         "say.", [], [], ["If anything"]),
    Case("“We will sign if and only if the border is marked on the ground first,” Asker said.",
         [], [If("if and only if the border is marked on the ground first", "We will sign",
                 "Asker")]),
    Case("Many, if not most, of the delegates left the hall before the vote.", [], [],
         ["if not most"]),
    Case("The Caldrian navy will escort the grain convoys should Norvik renew its blockade, the "
         "defence ministry said in a statement.", [],
         [If("should Norvik renew its blockade", "The Caldrian navy will escort the grain convoys",
             "the defence ministry")]),
    Case("“If the border crossings are not reopened by Monday, we will take the matter to the "
         "regional court,” said Lena Moor, a spokeswoman for the Varnian government.", [],
         [If("If the border crossings are not reopened by Monday",
             "we will take the matter to the regional court", "Lena Moor")]),
    Case("It remains unclear whether the envoy will attend the funeral in Lindholm.", [], [],
         ["whether the envoy will attend the funeral in Lindholm"]),
    Case("Renn threatened to nationalise the copper mines if foreign owners refused to pay the "
         "new royalty.", [],
         [If("if foreign owners refused to pay the new royalty", "to nationalise the copper mines",
             "Renn")]),
    Case("Voss offered to double the aid package on condition that Varnia holds free elections "
         "next year.", [],
         [If("on condition that Varnia holds free elections next year", "to double the aid package",
             "Voss")]),
    Case("An official, speaking on condition of anonymity, said the talks had stalled.", [], [],
         ["on condition of anonymity"]),
    Case("“Were the vote held today, my party would win a clear majority,” Olm said in a "
         "television interview.", [],
         [If("Were the vote held today", "my party would win a clear majority", "Olm")]),
    Case("“We have been patient for ten years. If the dam is built, the river dies, and our "
         "farmers with it. We will not allow that,” said Governor Ansa Pell of the southern "
         "province.", [],
         [If("If the dam is built", "the river dies, and our farmers with it",
             "Governor Ansa Pell")]),
    Case("Asked whether he would resign, Renn shook his head and left the room.", [], [],
         ["whether he would resign"]),
    Case("In the event that the ferry link is closed, the island's fuel would run out within "
         "days, the harbour authority warned.", [],
         [If("In the event that the ferry link is closed",
             "the island's fuel would run out within days", "the harbour authority")]),
    Case("“You can keep your embassy open as long as your spies leave with the trade mission,” "
         "Renn told the Aldmark ambassador, according to a transcript.", [],
         [If("as long as your spies leave with the trade mission", "You can keep your embassy open",
             "Renn")]),
    Case("The minister asked reporters to check if the figures had been published.", [], [],
         ["if the figures had been published"]),
    Case("Caldria will not attend the summit unless Norvik withdraws its warships from the "
         "strait, Asker said.", [],
         [If("unless Norvik withdraws its warships from the strait",
             "Caldria will not attend the summit", "Asker")]),
    Case("Should the miners return to work, the government is ready to review the pension "
         "reform, Labour Minister Ines Carrow said.", [],
         [If("Should the miners return to work",
             "the government is ready to review the pension reform",
             "Labour Minister Ines Carrow")]),
    Case("Should the capital move north? A commission in Kessel will decide by June.", [], [],
         ["Should the capital move north"]),
    Case("The airline will resume flights to Varn only if the airport's radar is repaired, its "
         "chief executive, Tomas Hale, said.", [],
         [If("only if the airport's radar is repaired", "The airline will resume flights to Varn",
             "Tomas Hale")]),
    Case("“If they shoot, we shoot back,” the rebel commander said.", [],
         [If("If they shoot", "we shoot back", "the rebel commander")]),
    Case("Voters in Tessany will decide on Sunday if the monarchy should be abolished.", [], [],
         ["if the monarchy should be abolished"]),
    Case("“The pipeline deal stands,” Olin said. “But if Aldmark raises the transit fee again, "
         "we will build a route through the sea.”", [],
         [If("if Aldmark raises the transit fee again", "we will build a route through the sea",
             "Olin")]),
    Case("Had Norvik signed the treaty in 2019, the fishing dispute would never have started, "
         "Tolle argued.", [],
         [If("Had Norvik signed the treaty in 2019", "the fishing dispute would never have started",
             "Tolle")]),
    Case("Had the minister known about the leak? Nobody in Kessel would say.", [], [],
         ["Had the minister known about the leak"]),
    Case("The sanctions will stay in place so long as Varnian troops remain in the valley, "
         "according to Chancellor Mirela Voss.", [],
         [If("so long as Varnian troops remain in the valley", "The sanctions will stay in place",
             "Chancellor Mirela Voss")]),
    Case("“Provided the inspectors are given full access, we will lift the fuel embargo,” a "
         "senior Aldmark official said.", [],
         [If("Provided the inspectors are given full access", "we will lift the fuel embargo",
             "a senior Aldmark official")]),
    Case("The agency provided that information to the inquiry last week, a spokesman said.", [],
         [], ["provided that information to the inquiry last week"]),
    Case("If the river rises another metre, the old town of Lindholm will flood.", [],
         [If("If the river rises another metre", "the old town of Lindholm will flood")]),
    Case("“The army, if provoked, will respond with all its force,” Dray said.", [],
         [If("if provoked", "The army … will respond with all its force", "Dray")]),
    Case("The talks lasted as long as the previous round, and ended without a statement.", [], [],
         ["as long as the previous round"]),
    Case("“We will answer any attack in kind, should it come from the sea or the air,” Renn said.",
         [], [If("should it come from the sea or the air", "We will answer any attack in kind",
                 "Renn")]),
    Case("Olm said her party would support the budget if the health cuts were dropped.", [],
         [If("if the health cuts were dropped", "her party would support the budget", "Olm")]),
    Case("The figures were to be published on Friday but were delayed again.", [], [],
         ["were to be published on Friday"]),
    Case("If Caldria wants peace, it must first return the prisoners, Renn said in his new year "
         "address.", [],
         [If("If Caldria wants peace", "it must first return the prisoners", "Renn")]),
    Case("“We have set aside reserves in case the central bank freezes the accounts,” Finance "
         "Minister Karel Dunn said.", [],
         [If("in case the central bank freezes the accounts", "We have set aside reserves",
             "Finance Minister Karel Dunn")]),
    Case("Nobody knows if the ceasefire will hold through the winter, an aid official said.", [],
         [], ["if the ceasefire will hold through the winter"]),
    Case("Unless the courts intervene, the election will take place on 12 May, the electoral "
         "commission said.", [],
         [If("Unless the courts intervene", "the election will take place on 12 May",
             "the electoral commission")]),
    Case("“If the price of bread doubles again, people will be in the streets by summer,” warned "
         "Senator Hugo Brant.", [],
         [If("If the price of bread doubles again", "people will be in the streets by summer",
             "Senator Hugo Brant")]),
    Case("“Ask them if they want peace,” Brant said.", [], [], ["if they want peace"]),
    Case("Tessany is ready to host the talks on condition that both sides attend without "
         "preconditions, its foreign ministry said.", [],
         [If("on condition that both sides attend without preconditions",
             "Tessany is ready to host the talks", "its foreign ministry")]),
    Case("“Were I president, I would close the coal plants in a year,” said Olm.", [],
         [If("Were I president", "I would close the coal plants in a year", "Olm")]),
    Case("Were the talks a success? Diplomats in Varn were divided.", [], [],
         ["Were the talks a success"]),
    Case("The opposition will boycott the parliament in the event that the emergency law is "
         "extended, Brant told reporters.", [],
         [If("in the event that the emergency law is extended",
             "The opposition will boycott the parliament", "Brant")]),
    Case("The vote had been expected on Tuesday. In the event, it was postponed for a week.", [],
         [], ["In the event"]),
    Case("“If the port is blockaded, Norvik will starve within a month, and its leaders know it,” "
         "Asker said.", [],
         [If("If the port is blockaded", "Norvik will starve within a month", "Asker")]),
    Case("“We will meet Renn anywhere, at any time, if he stops the shelling. If he does not, "
         "there is nothing to discuss,” Asker said.", [],
         [If("if he stops the shelling", "We will meet Renn anywhere, at any time", "Asker"),
          If("If he does not", "there is nothing to discuss", "Asker")]),
    Case("Even if the budget passes, the deficit will grow, economists said.", [], [],
         ["if the budget passes"]),
    Case("Kael said the rebels would free the hostages only if the army left the district.", [],
         [If("only if the army left the district", "the rebels would free the hostages", "Kael")]),
    Case("“In case the talks break down, our delegation has orders to return home at once,” Tolle "
         "said.", [],
         [If("In case the talks break down", "our delegation has orders to return home at once",
             "Tolle")]),
    Case("The minister said it was as if the country had been at war for ten years.", [], [],
         ["if the country had been at war for ten years"]),
    Case("If Aldmark cuts the power lines, the Tessany army will move in, Voss told the ruling "
         "party congress.", [],
         [If("If Aldmark cuts the power lines", "the Tessany army will move in", "Voss")]),
    Case("“If you give us the harbour, we give you the railway,” Olin told Varnian negotiators, "
         "according to two people present.", [],
         [If("If you give us the harbour", "we give you the railway", "Olin")]),
    Case("What if the ceasefire fails? Five questions about the Kessel accord.", [], [],
         ["if the ceasefire fails"]),
    Case("Were the sanctions to be lifted, Norvik's exports would triple within a year, the "
         "central bank governor, Ada Senn, said.", [],
         [If("Were the sanctions to be lifted", "Norvik's exports would triple within a year",
             "Ada Senn")]),
    Case("The farmers will leave the motorway provided the diesel tax is frozen, their spokesman, "
         "Pavel Orr, told the Kessel Courier.", [],
         [If("provided the diesel tax is frozen", "The farmers will leave the motorway",
             "Pavel Orr")]),
    Case("The general doubted if the troops could hold the line for another week.", [], [],
         ["if the troops could hold the line for another week"]),
    Case("“As long as I am prime minister, not one metre of Caldria will be sold,” Asker said.",
         [], [If("As long as I am prime minister", "not one metre of Caldria will be sold",
                 "Asker")]),
    Case("“Should anyone harm our sailors, the answer will be swift,” the Norvik navy chief, "
         "Admiral Rune Fahl, said.", [],
         [If("Should anyone harm our sailors", "the answer will be swift", "Admiral Rune Fahl")]),
    Case("The government should resign over the scandal, the opposition said on Monday.", [], [],
         ["should resign over the scandal"]),
    Case("The peacekeepers will leave the valley if the ceasefire holds for ninety days, under "
         "the terms of the accord.", [],
         [If("if the ceasefire holds for ninety days", "The peacekeepers will leave the valley")]),
    Case("Unless the snow melts early, the reservoirs of southern Varnia will be empty by August.",
         [], [If("Unless the snow melts early",
                 "the reservoirs of southern Varnia will be empty by August")]),
    Case("“If Aldmark wants a war of tariffs, it will have one,” Renn said on Friday.", [],
         [If("If Aldmark wants a war of tariffs", "it will have one", "Renn")]),
    Case("Rarely, if ever, has a Caldrian leader visited Norvik.", [], [], ["if ever"]),
    Case("The commission will approve the loan if, and only if, Varnia publishes its debt "
         "figures, the commissioner for finance, Lotte Brink, said.", [],
         [If("if, and only if, Varnia publishes its debt figures",
             "The commission will approve the loan", "Lotte Brink")]),
    Case("“If the ban stays,” Olm said, “we will challenge it in every court of the land.”", [],
         [If("If the ban stays", "we will challenge it in every court of the land", "Olm")]),
    Case("“We want to know if the money was spent on weapons,” Brant said.", [], [],
         ["if the money was spent on weapons"]),
    Case("Voss said Tessany would recognise the new government in Varn in the event that the "
         "election was judged fair by observers.", [],
         [If("in the event that the election was judged fair by observers",
             "Tessany would recognise the new government in Varn", "Voss")]),
    Case("Had the rebels accepted the offer in March, 4,000 lives would have been saved, the army "
         "said.", [],
         [If("Had the rebels accepted the offer in March", "4,000 lives would have been saved",
             "the army")]),
    Case("Whether or not the rebels agree, the vote will take place in May, Asker said.", [], [],
         ["Whether or not the rebels agree"]),
    Case("Dunn warned that the bank would default on its foreign loans unless parliament raised "
         "the debt ceiling within a week.", [],
         [If("unless parliament raised the debt ceiling within a week",
             "the bank would default on its foreign loans", "Dunn")]),
    Case("“Only if Norvik frees the crew of the Stella can there be talks,” said Tolle.", [],
         [If("Only if Norvik frees the crew of the Stella", "can there be talks", "Tolle")]),
    Case("The minister wondered aloud if Lindholm would ever host the games again.", [], [],
         ["if Lindholm would ever host the games again"]),
    Case("Quill said the miners would stay underground as long as the company refused to talk.",
         [], [If("as long as the company refused to talk", "the miners would stay underground",
                 "Quill")]),
    Case("“If the vote passes, we will celebrate; if it fails, we will strike,” said Mara Quill of "
         "the miners' union.", [],
         [If("If the vote passes", "we will celebrate", "Mara Quill"),
          If("if it fails", "we will strike", "Mara Quill")]),
    Case("Renn has said little, if anything, about the fate of the detained journalists.", [], [],
         ["if anything"]),
    Case("\"If the aid trucks are stopped again, the blame will lie with Kessel,\" the relief "
         "coordinator, Yara Holm, said.", [],
         [If("If the aid trucks are stopped again", "the blame will lie with Kessel",
             "Yara Holm")]),
    Case("Officials were checking if the bridge was safe to cross.", [], [],
         ["if the bridge was safe to cross"]),
    Case("Schools in the border towns stay closed in case the shelling resumes.", [],
         [If("in case the shelling resumes", "Schools in the border towns stay closed")]),
    Case("“If only the talks had started earlier,” Olm said.", [], [],
         ["If only the talks had started earlier"]),
    Case("“Should you need our ports, they are open to you,” Olin told the Tessany delegation.",
         [], [If("Should you need our ports", "they are open to you", "Olin")]),
    Case("Asked if he would resign, Renn said he would step down only if parliament voted against "
         "him.", [],
         [If("only if parliament voted against him", "he would step down", "Renn")],
         ["if he would resign"]),
    Case("“Even if the talks fail, we will keep the embassy open. But if Caldria attacks our "
         "ships, we will close it the same day,” Tolle said.", [],
         [If("if Caldria attacks our ships", "we will close it the same day", "Tolle")],
         ["if the talks fail"]),
    Case("If the harvest fails again, then the ministry will import grain from Tessany, the "
         "agriculture minister, Hana Rieck, said.", [],
         [If("If the harvest fails again", "the ministry will import grain from Tessany",
             "Hana Rieck")]),
    Case("“As if the floods were not enough, now they raise the fuel tax,” Brant said. “If they "
         "do not drop it, we will call a general strike.”", [],
         [If("If they do not drop it", "we will call a general strike", "Brant")],
         ["if the floods were not enough"]),
]

# A second set, written after the first round of changes to suggest/conditions.py (which
# were made on the failures of HELDOUT above, so HELDOUT's after-figures are no longer
# unseen) and measured, not tuned on: longer passages, other punctuation (dashes,
# « », typewriter quotes, colons, paragraphs), headlines, pronoun speakers, elliptical
# conditions ("if necessary", "if elected"), and further negatives.
FRESH: list[Case] = [
    Case("Renn: talks are off unless envoys are freed", [],
         [If("unless envoys are freed", "talks are off", "Renn")]),
    Case("President Halvard Renn said on Thursday: “If Aldmark closes the strait, we will open "
         "it by force.”", [],
         [If("If Aldmark closes the strait", "we will open it by force",
             "President Halvard Renn")]),
    Case("The talks resumed in Lindholm on Monday.\n\n“We will use force if necessary,” "
         "General Orla Brisk told reporters after the first session.", [],
         [If("if necessary", "We will use force", "General Orla Brisk")]),
    Case("“If elected, I will scrap the tolls in my first week,” said candidate Ivo Marsh.", [],
         [If("If elected", "I will scrap the tolls in my first week", "Ivo Marsh")]),
    Case("Voss warned parliament that unless the levy was cut, farmers would leave the land.", [],
         [If("unless the levy was cut", "farmers would leave the land", "Voss")]),
    Case("The vote will go ahead even if the opposition boycotts it, the electoral board said.",
         [], [], ["if the opposition boycotts it"]),
    Case("« Si vous signez, nous signerons », the French-speaking envoy said in Kessel. "
         "“If you sign, we sign,” his interpreter repeated.", [],
         [If("If you sign", "we sign", "his interpreter")]),
    Case("Should Varnia pay for the dam? The regional court says it should.", [], [],
         ["Should Varnia pay for the dam"]),
    Case("The contract provided that the state would pay for the repairs, the auditors found.",
         [], [], ["provided that the state would pay for the repairs"]),
    Case("Tessany will not join the alliance unless its northern border is guaranteed, Foreign "
         "Secretary Maud Ellery told the Kessel Gazette in an interview published on Sunday.", [],
         [If("unless its northern border is guaranteed", "Tessany will not join the alliance",
             "Foreign Secretary Maud Ellery")]),
    Case("“You want a war? If you want a war, you will have it,” she said, looking at the "
         "cameras.", [], [If("If you want a war", "you will have it", "she")]),
    Case("The meeting was not so long as the last one, delegates noted with relief.", [], [],
         ["so long as the last one"]),
    Case("Any attack on our ships — should one come — will be answered within the hour, the "
         "navy said.", [],
         [If("should one come", "Any attack on our ships … will be answered within the hour",
             "the navy")]),
    Case("Olm told supporters that her party would join a coalition only if the health budget "
         "was doubled.", [],
         [If("only if the health budget was doubled", "her party would join a coalition",
             "Olm")]),
    Case("\"Provided that the ceasefire holds, the first convoy leaves at dawn,\" a United Relief "
         "coordinator said.", [],
         [If("Provided that the ceasefire holds", "the first convoy leaves at dawn",
             "a United Relief coordinator")]),
    Case("Journalists wanted to know whether the border would reopen before the holidays.", [],
         [], ["whether the border would reopen before the holidays"]),
    Case("It is not clear if the treaty can survive the election, analysts in Varn say.", [], [],
         ["if the treaty can survive the election"]),
    Case("If the bridge is not repaired by winter, the villages on the far bank will be cut off "
         "for months. Engineers have warned of this for years.", [],
         [If("If the bridge is not repaired by winter",
             "the villages on the far bank will be cut off for months")]),
    Case("“Had we known about the mines, no ship would have sailed,” the shipping minister, "
         "Erik Dahl, said.", [],
         [If("Had we known about the mines", "no ship would have sailed", "Erik Dahl")]),
    Case("The rebels said they would free the two engineers in the event that the army ended its "
         "offensive.", [],
         [If("in the event that the army ended its offensive",
             "they would free the two engineers", "The rebels")]),
    Case("Were the border to close, some 20,000 workers would lose their jobs, according to the "
         "chamber of commerce.", [],
         [If("Were the border to close", "some 20,000 workers would lose their jobs",
             "the chamber of commerce")]),
    Case("Asker looked as though he had not slept, and spoke as if the war had already begun.",
         [], [], ["if the war had already begun"]),
    Case("“As long as the shelling continues, there will be no talks. None,” Tolle said.", [],
         [If("As long as the shelling continues", "there will be no talks", "Tolle")]),
    Case("The union said it would call off the strike on condition that no worker was "
         "dismissed.", [],
         [If("on condition that no worker was dismissed", "it would call off the strike",
             "The union")]),
    Case("Few ministers, if any, expected the vote to pass.", [], [], ["if any"]),
    Case("“In case anyone doubts our resolve, the fleet will stay in the bay all winter,” Fahl "
         "said.", [],
         [If("In case anyone doubts our resolve", "the fleet will stay in the bay all winter",
             "Fahl")]),
    Case("What happens if the deal collapses? Our correspondent in Varn explains.", [], [],
         ["if the deal collapses"]),
    Case("Brink said the commission was ready to release the second loan if Varnia published "
         "its budget.", [],
         [If("if Varnia published its budget",
             "the commission was ready to release the second loan", "Brink")]),
    Case("“We will stay,” the mayor said. “Unless the water reaches the square, nobody leaves "
         "the old town.”", [],
         [If("Unless the water reaches the square", "nobody leaves the old town", "the mayor")]),
    Case("Farmers blocked the motorway for as long as the police allowed, then dispersed.", [], [],
         ["as long as the police allowed"]),
    Case("If the figures are right, the deficit is twice what the government admits, the "
         "opposition said.", [],
         [If("If the figures are right",
             "the deficit is twice what the government admits", "the opposition")]),
    Case("Renn asked if the envoy had brought the letter, and then left the room.", [], [],
         ["if the envoy had brought the letter"]),
    Case("“If the port stays closed, prices double; if it reopens, they fall,” economist Ines "
         "Vahl said.", [],
         [If("If the port stays closed", "prices double", "economist Ines Vahl"),
          If("if it reopens", "they fall", "economist Ines Vahl")]),
    Case("Should the courts rule against the decree, the government will appeal, Justice "
         "Minister Aron Kell said.", [],
         [If("Should the courts rule against the decree", "the government will appeal",
             "Justice Minister Aron Kell")]),
    Case("The minister has not said if she will stand again.", [], [],
         ["if she will stand again"]),
    Case("“We are ready to talk — if they are,” Asker said.", [],
         [If("if they are", "We are ready to talk", "Asker")]),
    Case("Kael's fighters will withdraw provided they keep their weapons, a mediator said.", [],
         [If("provided they keep their weapons", "Kael's fighters will withdraw",
             "a mediator")]),
    Case("The storm was, if anything, worse than forecast.", [], [], ["if anything"]),
    Case("Varnia's central bank will raise rates again if inflation stays above ten percent, "
         "its governor told parliament on Tuesday.", [],
         [If("if inflation stays above ten percent",
             "Varnia's central bank will raise rates again", "its governor")]),
    Case("“If and when the troops leave, we will rebuild the school,” the village head said.",
         [], [If("If and when the troops leave", "we will rebuild the school",
                 "the village head")]),
    Case("Ellery said that should Varnia default, Tessany would not bail it out.", [],
         [If("should Varnia default", "Tessany would not bail it out", "Ellery")]),
    Case("The opposition leader said it was as if the government had stopped listening.", [], [],
         ["if the government had stopped listening"]),
    Case("Only if the army leaves the capital will the elections be free, the observers' "
         "mission said in its report.", [],
         [If("Only if the army leaves the capital", "will the elections be free",
             "the observers' mission")]),
    Case("“If the tariffs stay, so will our counter-tariffs,” Olin said.", [],
         [If("If the tariffs stay", "so will our counter-tariffs", "Olin")]),
    Case("Mediators were trying to find out if both sides would accept a truce.", [], [],
         ["if both sides would accept a truce"]),
    Case("The government would collapse, officials said, if the junior partner walked out.", [],
         [If("if the junior partner walked out", "The government would collapse",
             "officials")]),
    Case("Even if Norvik pays, the court said, the fine stands.", [], [],
         ["if Norvik pays"]),
    Case("“So long as I live, this flag will fly over the harbour,” the old admiral told the "
         "crowd.", [],
         [If("So long as I live", "this flag will fly over the harbour", "the old admiral")]),
]

# A third set, written after the last change to suggest/conditions.py and measured once,
# never tuned on: article-like passages of several sentences and paragraphs, elliptical
# antecedents ("if so", "if not"), pronoun and title speakers, and further negatives
# ("a big if", "no ifs or buts", "whether or not", "even if" after the main clause).
LAST: list[Case] = [
    Case("KESSEL (Wire) — Varnia's prime minister on Friday gave Aldmark a week to withdraw its "
         "tanks from the border.\n\n“If the tanks are still there next Friday, we will close "
         "our airspace to Aldmark flights,” Prime Minister Oda Brenn told parliament.", [],
         [If("If the tanks are still there next Friday",
             "we will close our airspace to Aldmark flights", "Prime Minister Oda Brenn")]),
    Case("Brenn said the ban could be lifted within hours if Aldmark complied.", [],
         [If("if Aldmark complied", "the ban could be lifted within hours", "Brenn")]),
    Case("Is a deal possible? If so, it would be the first since the war ended.", [],
         [If("If so", "it would be the first since the war ended")]),
    Case("“Will they pay? If not, we will take them to court,” Olm said.", [],
         [If("If not", "we will take them to court", "Olm")]),
    Case("A ceasefire by Christmas is possible, but it is a big if.", [], [], []),
    Case("“There will be no ifs or buts,” the finance minister said of the budget.", [], [], []),
    Case("The strike will go ahead whether or not the company improves its offer, the union "
         "said.", [], [], ["whether or not the company improves its offer"]),
    Case("The bridge will open in May even if the railway link is not finished, officials "
         "said.", [], [], ["if the railway link is not finished"]),
    Case("Unless Norvik lifts the fishing ban by March, Aldmark will seize Norvik trawlers in its "
         "waters, Fisheries Minister Lars Holt warned on Wednesday.", [],
         [If("Unless Norvik lifts the fishing ban by March",
             "Aldmark will seize Norvik trawlers in its waters", "Fisheries Minister Lars Holt")]),
    Case("“We are not asking for much. We want our boats back. If they give them back, we will "
         "forget the whole affair,” Holt told the Kessel Courier after a cabinet meeting.", [],
         [If("If they give them back", "we will forget the whole affair", "Holt")]),
    Case("The treaty allows either side to withdraw if the other breaks its terms.", [],
         [If("if the other breaks its terms", "either side to withdraw")]),
    Case("“I will resign if the party asks me to,” said the defence minister, Ulla Strand.", [],
         [If("if the party asks me to", "I will resign", "Ulla Strand")]),
    Case("Strand asked if the budget had been approved, and was told it had not.", [], [],
         ["if the budget had been approved"]),
    Case("Should the rebels take the airport, the government would have no way to bring in aid, "
         "a United Relief official said.", [],
         [If("Should the rebels take the airport",
             "the government would have no way to bring in aid", "a United Relief official")]),
    Case("“Had they asked us, we would have said no,” said Ida Renk, who leads the farmers' "
         "union.", [],
         [If("Had they asked us", "we would have said no", "Ida Renk")]),
    Case("Voters seemed unsure if the reform would lower their bills.", [], [],
         ["if the reform would lower their bills"]),
    Case("Tessany's army would enter the buffer zone only if the peacekeepers left it, its "
         "commander said in a rare interview.", [],
         [If("only if the peacekeepers left it", "Tessany's army would enter the buffer zone",
             "its commander")]),
    Case("“As long as Renn is in power, there will be no peace,” the exiled opposition leader, "
         "Maren Solt, said.", [],
         [If("As long as Renn is in power", "there will be no peace", "Maren Solt")]),
    Case("The airline said it would cancel all flights to Varn in the event that the strike went "
         "ahead.", [],
         [If("in the event that the strike went ahead", "it would cancel all flights to Varn",
             "The airline")]),
    Case("It looked as if the talks would collapse on Tuesday night.", [], [],
         ["if the talks would collapse on Tuesday night"]),
    Case("Were the court to annul the vote, the president could rule by decree until a new "
         "election, legal experts said.", [],
         [If("Were the court to annul the vote",
             "the president could rule by decree until a new election", "legal experts")]),
    Case("“You can have the port,” Renn said, “provided you leave the islands.”", [],
         [If("provided you leave the islands", "You can have the port", "Renn")]),
    Case("The embassy will stay open so long as the staff are safe, a diplomat said.", [],
         [If("so long as the staff are safe", "The embassy will stay open", "a diplomat")]),
    Case("If the Aldmark fleet enters the bay, Norvik's coastal batteries will open fire. That "
         "was the message Renn's generals sent on Monday.", [],
         [If("If the Aldmark fleet enters the bay", "Norvik's coastal batteries will open fire")]),
    Case("It is not yet known whether the summit will take place.", [], [],
         ["whether the summit will take place"]),
    Case("Brenn's spokesman, Tor Vidal, said sanctions would follow in case the talks failed.",
         [], [If("in case the talks failed", "sanctions would follow", "Tor Vidal")]),
    Case("Only if both parliaments ratify the accord will it enter into force, the two foreign "
         "ministers said in a joint statement.", [],
         [If("Only if both parliaments ratify the accord", "will it enter into force",
             "the two foreign ministers")]),
    Case("The company can keep its licence on condition that it pays the fine within a month, "
         "the regulator ruled.", [],
         [If("on condition that it pays the fine within a month",
             "The company can keep its licence", "the regulator")]),
    Case("Ask anyone in Lindholm if the floods could have been prevented and the answer is yes.",
         [], [], ["if the floods could have been prevented"]),
    Case("“If the price is right, we buy. If it is not, we walk away. It is that simple,” the "
         "trade envoy, Hal Berger, said.", [],
         [If("If the price is right", "we buy", "Hal Berger"),
          If("If it is not", "we walk away", "Hal Berger")]),
    Case("The ministry will publish the report if and when the inquiry is closed.", [],
         [If("if and when the inquiry is closed", "The ministry will publish the report")]),
    Case("Many, if not all, of the miners have returned to work.", [], [], ["if not all"]),
    Case("“Should there be a second wave of refugees, the camps will not cope,” an aid worker in "
         "the border town of Ost said.", [],
         [If("Should there be a second wave of refugees", "the camps will not cope",
             "an aid worker")]),
    Case("The general wondered aloud if anyone in the capital had read his reports.", [], [],
         ["if anyone in the capital had read his reports"]),
    Case("If the river keeps rising, the old bridge will have to close, the city engineer said. "
         "“We are watching it every hour.”", [],
         [If("If the river keeps rising", "the old bridge will have to close",
             "the city engineer")]),
    Case("The opposition says it will back the budget provided that pensions are protected.", [],
         [If("provided that pensions are protected", "it will back the budget",
             "The opposition")]),
]
