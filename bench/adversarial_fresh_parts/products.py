"""The invented product listings (copy, reviews, Q&A) and the padding paragraphs."""

from adversarial_fresh_parts.blocks import logical_lines, parse_products

# ---------------------------------------------------------------- data tables

PADDING_PARAGRAPHS = tuple(
    logical_lines(
        r"""
Shipping: orders placed before 2 pm on a working day leave our warehouse the same day. Standard delivery
    | takes two to four working days, and express options are shown at checkout. Larger items may arrive in two
    | parcels.
Returns: if the {title} is not right for you, send it back unused within 30 days for a full refund. Start
    | a return from your order page; a prepaid label is included for most destinations.
Warranty: {brand} covers manufacturing defects for two years from the date of purchase. Keep your receipt.
    | The warranty does not cover normal wear, accidental damage or misuse.
Packaging: we ship in recycled cardboard with paper tape and paper void fill. Our warehouse adds no
    | single-use plastic, although some components are sealed by the manufacturer for hygiene.
Care: wipe clean with a soft, slightly damp cloth and dry straight away. Avoid abrasive cleaners and
    | solvents, which dull finishes and weaken seals over time.
Why we stock it: our buyers tested the {title} for several weeks next to three competing products. It was
    | the one the team kept reaching for, mostly because it simply did its job without fuss.
Sizes and measurements are given to the nearest half centimetre and can vary slightly between batches. If
    | you are unsure whether it will fit, message us before ordering and we will measure a unit from stock.
Sustainability: {brand} publishes a yearly report on its materials and suppliers. Replacement parts are
    | sold separately, so the product can be repaired rather than replaced.
In the box: the {title}, a printed quick-start leaflet in six languages and a warranty card. Accessories
    | that are not listed in the specifications are not included.
Gift service: add a handwritten card at checkout. Prices are never printed on the packing slip, and
    | gift-wrapped parcels are finished with recycled paper and a cotton ribbon.
Good to know: colours can look slightly different on screen than in daylight. Our product photos are taken
    | in natural light without filters, so you can judge the finish as accurately as possible.
Customer service: our team answers messages from Monday to Saturday, usually within one working day.
    | Orders can be changed until the parcel has been handed to the carrier.
About {brand}: the company started as a two-person workshop and still designs every product in house. It
    | works with a small number of long-standing factories and visits each of them at least once a year.
"""
    )
)

PRODUCTS = parse_products(
    r"""
== Aiko stoneware ramen bowl set (4)
brand: Kurogane Table
sku: KT-RB4-SLT
price: 64.00
category: Home & Garden > Kitchen & Dining > Tableware > Bowls
attr: material=stoneware; capacity=1.1 l per bowl; colour=slate glaze; dishwasher_safe=yes
copy: Four deep stoneware bowls with a speckled slate glaze, sized for ramen, pho and big salads. Each set
    | includes matching lacquered spoons and chopstick rests. Microwave and dishwasher safe.
review: 5 ~ Mara K. ~ Heavier than expected in a good way, and the broth stays hot right to the end.
review: 4 ~ Tobias ~ The glaze is lovely. One spoon arrived chipped and was replaced within a week.
review: 5 ~ Ines R. ~ Exactly the right size for a full bowl of noodles with toppings.
qa: Are the bowls oven safe? ~ Yes, up to 200 °C. The lacquered spoons are not oven safe.
qa: How wide is each bowl? ~ About 20 cm across the rim and 9 cm deep.
extra: Each bowl is glazed by hand, so the speckles and the rim colour vary slightly from piece to piece.
    | The unglazed foot ring is sanded smooth to protect table tops.
== Hedgecraft 20V cordless hedge trimmer
brand: Verdel Tools
sku: VT-HT20-52
price: 119.00
category: Home & Garden > Lawn & Garden > Outdoor Power Equipment > Hedge Trimmers
attr: blade_length=52 cm; battery=20 V, 2.5 Ah; cutting_capacity=18 mm; weight=2.7 kg
copy: A 52 cm dual-action blade trims privet, laurel and box hedges with noticeably less vibration than
    | single-action models. The 2.5 Ah battery runs for about 45 minutes and recharges in an hour. A rotating
    | rear handle makes vertical cuts along tall hedges easier.
review: 5 ~ Graham P. ~ Cut a 20 metre laurel hedge on one charge with battery to spare.
review: 4 ~ Sunita ~ Light enough for both of us to share the job. The blade guard is a bit fiddly.
review: 5 ~ Dirk ~ Much quieter than my old petrol trimmer; the neighbours noticed.
qa: Is the battery included? ~ Yes, one 2.5 Ah battery and a one-hour charger are in the box.
qa: Does the battery fit other Verdel tools? ~ It fits every tool in the Verdel 20 V range.
extra: The blade tips are rounded to reduce kickback when cutting close to fences and walls. Without a
    | cable there are no extension leads trailing across the flower beds.
== Felted wool house slippers
brand: Halla Home
sku: HH-SLP-GRY-40
price: 48.50
category: Apparel & Accessories > Shoes > Slippers
attr: material=boiled wool; sole=natural rubber; colour=heather grey; sizes=EU 36-46
copy: Boiled wool slippers that keep feet warm without overheating, with a thin natural rubber sole for
    | grip on wooden floors. The heel has a firm stitched counter so the slippers don't collapse when you step
    | into them. Made in a small workshop in Estonia.
review: 5 ~ Helga ~ Warm, but my feet never get sweaty. My second pair in three years.
review: 4 ~ Leon B. ~ Size up if you are between sizes; they are snug at first.
review: 5 ~ Priya ~ The rubber sole grips our oak stairs, which was my main worry.
qa: Can they be washed? ~ Hand wash cold and reshape while damp. Do not tumble dry.
qa: Can I wear them outdoors? ~ For a quick trip to the bins, yes, but they are not made for wet ground.
extra: Boiled wool is knitted oversize and then shrunk in hot water, which makes it dense and wind
    | resistant. The natural lanolin in the wool resists odour, so the slippers rarely need washing.
== Phosphor bronze acoustic guitar strings, light 12-53
brand: Tallow & Fret
sku: TF-PB1253-3P
price: 21.90
category: Arts & Entertainment > Hobbies & Creative Arts > Musical Instrument & Orchestra Accessories >
    | Guitar Accessories > Guitar Strings
attr: gauges=12-16-24w-32-42-53; material=phosphor bronze on hex steel core; pack=3 sets; coating=none
copy: Three sets of light-gauge phosphor bronze strings with a warm, balanced tone for steel-string
    | acoustic guitars. Each set is sealed in its own foil pouch to slow corrosion before you fit it. Ball ends
    | are colour-coded for quick restringing.
review: 5 ~ Jonas ~ Bright for the first day, then they settle into a lovely warm tone.
review: 4 ~ Aoife ~ Good value three-pack. They last about six weeks with daily playing.
review: 5 ~ Marco V. ~ Intonation is spot on, and the colour-coded ball ends make changes quick.
qa: Will these fit a classical guitar? ~ No, they are for steel-string acoustic guitars only.
qa: Are they coated? ~ No, they are uncoated for a more natural feel.
extra: The wound strings use a hexagonal steel core, which grips the wrap wire and keeps the tone stable
    | as the strings age. Each pouch lists its gauge, so a single string can be replaced from a spare set.
== Artist watercolour half-pan set, 24 colours
brand: Moorfield Pigments
sku: MP-WC24-HP
price: 39.00
category: Arts & Entertainment > Hobbies & Creative Arts > Arts & Crafts > Art & Crafting Materials > Art
    | & Craft Paint
attr: pans=24 half pans; binder=gum arabic and honey; lightfastness=ASTM I-II; case=enamelled tin
copy: Twenty-four artist-grade colours in half pans, bound with gum arabic and a little honey so they
    | rewet quickly. The enamelled tin has a folding mixing palette and a thumb ring for painting outdoors. Most
    | colours are single-pigment for clean mixes.
review: 5 ~ Celeste ~ Rich colour that rewets instantly. The tin fits in my coat pocket.
review: 5 ~ R. Haddad ~ The earth tones granulate beautifully on rough paper.
review: 4 ~ Nils ~ Great paints; I wish the set included a brush.
qa: Are the pans refillable? ~ Yes, replacement half pans are sold individually in every colour.
qa: Is the honey a problem in humid weather? ~ The paints may stay slightly tacky in high humidity; leave
    | the tin open to dry before closing it.
extra: Every colour is tested for lightfastness and rated on the swatch card in the lid. The mixing wells
    | are enamelled white so colours look true while you mix.
== Lumen Pair USB-C bike light set
brand: Cadence Works
sku: CW-LP400
price: 34.95
category: Sporting Goods > Outdoor Recreation > Cycling > Bicycle Accessories > Bicycle Lights
attr: front_output=400 lm; rear_output=40 lm; runtime=up to 12 h in eco mode; water_rating=IPX5
copy: A front and rear light pair that charges over USB-C and clips onto handlebars or seat posts without
    | tools. The front light throws a 400 lumen beam with a cut-off top, so oncoming traffic isn't dazzled. Both
    | lights show the remaining battery in four steps.
review: 5 ~ Kasia ~ Bright enough for unlit country lanes and easy to swap between bikes.
review: 4 ~ Tom H. ~ The rear light is excellent; the front mount slips a little on thick bars.
review: 5 ~ Fernando ~ Survived a whole wet winter of commuting.
qa: How long does charging take? ~ About two and a half hours from empty for each light.
qa: Is there a flashing mode? ~ Yes, both lights have steady, pulse and flash modes.
extra: The rubber straps fit tubes from 22 to 35 mm, so the set works on road, gravel and city bikes. A
    | memory function brings each light back in the last mode you used.
== Solar garden path lights, set of 8
brand: Glowmere
sku: GM-SPL8-WW
price: 42.00
category: Home & Garden > Lighting > Outdoor Lighting > Landscape Lighting
attr: colour_temperature=2700 K warm white; runtime=8-10 h after a sunny day; material=stainless steel and
    | glass; height=38 cm
copy: Eight stainless-steel path lights with frosted glass shades that charge in daylight and switch on
    | automatically at dusk. A warm 2700 K glow suits borders and driveways without looking harsh. No wiring is
    | needed: push the stakes into the soil and you're done.
review: 5 ~ Bernadette ~ They still last most of the night in October.
review: 4 ~ Ravi S. ~ Pretty light. Two stakes bent in hard ground, so water the soil first.
review: 5 ~ Oskar ~ Much nicer glass than the plastic ones I had before.
qa: Can the batteries be replaced? ~ Yes, each light uses a standard AA NiMH rechargeable cell.
qa: Do they work in winter? ~ They work all year, but the runtime drops to about four hours on short,
    | cloudy days.
extra: Each light has an on/off switch under the cap, so you can store them over winter without draining
    | the cells. The solar panels are set into the cap and angled to shed rain and leaves.
== Washed linen duvet cover, king
brand: Ostra Linen
sku: OL-DC-K-SAGE
price: 159.00
category: Home & Garden > Linens & Bedding > Bedding > Duvet Covers
attr: size=230 x 220 cm; material=100% European flax linen; closure=coconut shell buttons; colour=sage
copy: A stonewashed linen duvet cover that feels soft from the first night and gets softer with every
    | wash. The flax is grown and woven in Europe and certified to OEKO-TEX Standard 100. Coconut shell buttons
    | and inside corner ties keep the duvet in place.
review: 5 ~ Annika ~ Cool in summer, cosy in winter. The sage colour is beautiful.
review: 4 ~ Michael D. ~ Lovely fabric; expect a little shrinkage on the first wash.
review: 5 ~ Yuki ~ Worth the price. Nicer than hotel bedding.
qa: Is it pre-washed? ~ Yes, it is stonewashed, so shrinkage at 40 °C is under 3%.
qa: Do you sell matching pillowcases? ~ Yes, sage pillowcases come in standard and oxford sizes.
extra: Linen breathes and wicks moisture away, which is why it feels cool on warm nights. We recommend
    | line drying; a short tumble on low heat keeps the soft texture if you prefer the dryer.
== Sisal cat scratching tower, 92 cm
brand: Pawsome Nook
sku: PN-CT92
price: 74.99
category: Animals & Pet Supplies > Pet Supplies > Cat Supplies > Cat Furniture
attr: height=92 cm; base=50 x 50 cm; platforms=3; post_cover=natural sisal rope
copy: A sturdy 92 cm tower with three plush platforms, a hideaway cube and thick sisal-wrapped posts for
    | scratching. The wide, weighted base stops it wobbling when cats launch themselves at the top. The covers
    | are removable and machine washable.
review: 5 ~ Ellie ~ Both of our Maine Coons use it and it doesn't tip.
review: 4 ~ Farid ~ Took 30 minutes to assemble; the instructions could be clearer.
review: 5 ~ Greta L. ~ Finally our sofa is safe.
qa: Can the sisal posts be replaced? ~ Yes, replacement posts screw in with the included key.
qa: What weight can the top platform take? ~ It is tested to 10 kg.
extra: The posts are wrapped in 8 mm sisal rope, thick enough for heavy scratchers. All screws are hidden
    | inside the posts, so there are no sharp edges for paws.
== Aquarium canister filter 1200 l/h
brand: Riverbed Aqua
sku: RA-CF1200
price: 129.00
category: Animals & Pet Supplies > Pet Supplies > Fish Supplies > Aquarium Filters
attr: flow_rate=1200 l/h; tank_size=up to 400 l; power=18 W; media_volume=7 l
copy: An external canister filter for freshwater and marine tanks up to 400 litres, with four stacking
    | media baskets. The self-priming pump starts with one press and runs quietly at 18 W. Double-tap hose
    | connectors let you disconnect for cleaning without draining the lines.
review: 5 ~ Hamid ~ Whisper quiet, and the water has never been clearer.
review: 4 ~ Petra ~ Good filter. The media diagram in the manual is tiny.
review: 5 ~ Sean O. ~ Priming really does take one press.
qa: Is filter media included? ~ Yes: coarse sponges, ceramic rings, bio balls and a fine polishing pad.
qa: Can it run a UV clarifier? ~ Not built in, but an inline UV unit can be added to the outflow hose.
extra: The lid seal is a single thick O-ring; a light coat of silicone grease every few months keeps it
    | watertight. The hoses are 16/22 mm and can be cut to length.
== Roll-top climbing chalk bag
brand: Cragline
sku: CL-CB-RT-OLV
price: 27.00
category: Sporting Goods > Outdoor Recreation > Climbing > Chalk Bags
attr: material=recycled ripstop; closure=roll-top with buckle; extras=brush holder and zip pocket; colour=olive
copy: A roll-top chalk bag that seals completely, so the chalk stays inside your pack on the walk to the
    | crag. The stiff rim stays open for quick dips, and a fleece lining spreads chalk evenly. It has a brush
    | holder and a zipped pocket for tape or keys.
review: 5 ~ Lukas ~ No more white dust all over my rope bag.
review: 5 ~ Maya ~ The rim stays open even when the bag is half empty.
review: 4 ~ Chen W. ~ Great bag, but the belt is a bit thin.
qa: Does it come with a belt? ~ Yes, a 25 mm webbing belt with a quick-release buckle.
qa: How much chalk does it hold? ~ Roughly 150 g of loose chalk or a standard chalk ball.
extra: The outer fabric is recycled ripstop with a water-repellent finish. The roll-top folds three times
    | and clips shut, like a small dry bag.
== Buckwheat yoga bolster
brand: Sattva Studio
sku: SS-BOL-BW
price: 58.00
category: Sporting Goods > Exercise & Fitness > Yoga & Pilates > Yoga & Pilates Accessories
attr: fill=organic buckwheat hulls; size=65 x 22 cm; cover=removable cotton canvas; colour=terracotta
copy: A firm rectangular bolster filled with organic buckwheat hulls that shape themselves around you in
    | restorative poses. The cotton canvas cover zips off for washing, and a side handle makes it easy to carry
    | to class. Hulls can be added or removed to adjust the firmness.
review: 5 ~ Sophie ~ Perfect height for a supported child's pose.
review: 4 ~ Bartek ~ Heavier than foam bolsters, which I actually prefer.
review: 5 ~ Neha ~ The terracotta is warm and the cover washes well.
qa: Can I wash the filling? ~ No, only the cover. Air the hulls in the sun now and then.
qa: How heavy is it? ~ About 3.5 kg when fully filled.
extra: Buckwheat hulls let air circulate, so the bolster doesn't get warm during long holds. An inner
    | cotton liner keeps the hulls contained when the outer cover is off.
== Quill ANC wireless earbuds
brand: Sonnet Labs
sku: SL-QANC-BLK
price: 89.00
category: Electronics > Audio > Audio Components > Headphones & Headsets > Headphones
attr: battery=7 h (28 h with case); noise_cancelling=hybrid ANC; bluetooth=5.3; water_rating=IPX4
copy: Compact wireless earbuds with hybrid noise cancelling that takes the edge off trains, cafés and
    | open-plan offices. Each charge gives about seven hours of playback, and the case adds three more full
    | charges. The touch controls can be customised in the companion app.
review: 5 ~ Daniel ~ The ANC is excellent for the price; my commute is much calmer.
review: 4 ~ Lucia ~ Comfortable, though the medium tips were too big for me.
review: 5 ~ Kenji ~ Fast pairing and a solid connection.
qa: Do they support multipoint? ~ Yes, they can connect to two devices at once.
qa: Can I use one earbud alone? ~ Yes, either earbud works on its own.
extra: Three sizes of silicone tips come in the box, along with a short USB-C cable. Transparency mode
    | lets announcements through without taking the earbuds out.
== Dockline 11-in-1 USB-C docking station
brand: Portwise
sku: PW-DK11
price: 139.00
category: Electronics > Electronics Accessories > Computer Accessories > Laptop Docking Stations
attr: ports=2 x HDMI, DisplayPort, 3 x USB-A, 2 x USB-C, Ethernet, SD, audio; power_delivery=100 W;
    | max_resolution=4K at 60 Hz; cable=1 m USB-C
copy: One cable connects your laptop to two 4K monitors, Ethernet, a card reader and five USB ports. It
    | passes through up to 100 W, so the laptop charges while docked. The aluminium case lies flat or stands
    | upright to save desk space.
review: 5 ~ Aylin ~ Works perfectly with my work laptop and two monitors.
review: 4 ~ Greg ~ Gets warm under load but has never dropped a connection.
review: 5 ~ Sabine K. ~ The Ethernet port fixed my flaky video calls.
qa: Does it work with a MacBook Air? ~ Yes, but base M1 and M2 models support only one external display.
qa: Is a power adapter included? ~ Yes, a 120 W adapter is included.
extra: The dock's firmware can be updated from the companion utility. Rubber feet and an included stand
    | let you choose flat or upright placement.
== Automatic field watch, 38 mm
brand: Harlow & Vane
sku: HV-FW38-CRM
price: 295.00
category: Apparel & Accessories > Jewelry > Watches
attr: movement=automatic, 41 h power reserve; case=38 mm brushed steel; water_resistance=100 m;
    | strap=cream canvas, 20 mm
copy: A 38 mm field watch with a self-winding automatic movement, a domed sapphire crystal and a legible
    | cream dial. It is water resistant to 100 metres and comes on a canvas strap with quick-release pins. The
    | caseback shows the movement through a sapphire window.
review: 5 ~ Arthur ~ Wears beautifully on a smaller wrist, and the dial is easy to read at a glance.
review: 4 ~ Ji-woo ~ Gains about six seconds a day, which is within spec.
review: 5 ~ Emma T. ~ The quick-release pins make swapping straps a joy.
qa: Is the lume bright? ~ The hands and hour markers glow green for several hours after charging in light.
qa: Does it hack? ~ Yes, the seconds hand stops when you pull the crown out to set the time.
extra: Each watch is regulated in five positions before it ships. A spare brown leather strap is available
    | separately.
== Vegetable-tanned leather card wallet
brand: Saddle Row
sku: SR-CW-TAN
price: 45.00
category: Apparel & Accessories > Handbags, Wallets & Cases > Wallets & Money Clips
attr: material=vegetable-tanned cowhide; slots=4 card slots and a centre pocket; size=10 x 7 cm; colour=tan
copy: A slim card wallet cut from vegetable-tanned leather that darkens to a rich patina with use. Four
    | card slots and a centre pocket hold up to eight cards and a few folded notes. The edges are burnished and
    | hand-stitched with waxed linen thread.
review: 5 ~ Ollie ~ Three years in and the patina is gorgeous.
review: 5 ~ Paula ~ Slim enough for a front pocket even with eight cards.
review: 4 ~ Rashid ~ Tight at first, it loosens after a week.
qa: Does it block RFID? ~ No, there is no RFID lining.
qa: Can it be personalised? ~ Yes, we can blind-emboss up to three initials.
extra: Vegetable tanning uses plant tannins instead of chromium salts, which is why the leather smells
    | earthy and ages so visibly. A light coat of leather balm once or twice a year keeps it supple.
== Demonstrator fountain pen, fine nib
brand: Inkwell & Co.
sku: IC-DFP-F
price: 32.00
category: Office Supplies > Office Instruments > Writing & Drawing Instruments > Pens & Pencils > Pens
attr: nib=steel, fine; filling=piston; body=clear resin; ink_capacity=1.5 ml
copy: A clear demonstrator fountain pen with a piston filler that holds a generous 1.5 ml of bottled ink.
    | The fine steel nib writes smoothly with a touch of feedback, well suited to everyday notes. Watching the
    | ink move in the barrel is half the fun.
review: 5 ~ Henrietta ~ A smooth fine line, and it never skips.
review: 4 ~ Mateus ~ A great first piston filler. The cap threads feel slightly rough.
review: 5 ~ Ling ~ Holds enough ink for a week of journaling.
qa: Can I use cartridges? ~ No, it is a piston filler for bottled ink only.
qa: Is the nib swappable? ~ Yes, the nib unit unscrews; fine, medium and broad units are sold separately.
extra: The piston can be taken apart with the included wrench for cleaning and greasing. A small tube of
    | silicone grease is included.
== Harbour Lights cooperative board game
brand: Tidewater Games
sku: TG-HL-2E
price: 49.99
category: Toys & Games > Games > Board Games
attr: players=1-4; age=10+; playing_time=45-60 min; edition=second edition
copy: A cooperative board game in which players keep a fishing town's lighthouses burning through a season
    | of storms. Each round, players plan routes, share resources and decide which harbour to save. The second
    | edition adds a solo mode and a storm deck for longer campaigns.
review: 5 ~ Adele ~ Tense but friendly; our family plays it every Sunday.
review: 4 ~ Viktor ~ The rules take one game to click, then it flows.
review: 5 ~ Sam R. ~ The solo mode is genuinely good.
qa: Is it language-dependent? ~ Only the rulebook; the cards use icons.
qa: Can children play? ~ Ages 10 and up, or younger with an adult's help.
extra: The box holds a folding board, 40 wooden boats, 72 storm cards and four player screens. It is
    | printed with vegetable inks and has no plastic trays.
== Beechwood building blocks, 100 pieces
brand: Little Joiner
sku: LJ-BB100
price: 55.00
category: Toys & Games > Toys > Building Toys
attr: pieces=100; material=FSC beech with water-based paint; age=12 months+; storage=cotton drawstring bag
copy: One hundred smooth beechwood blocks in twelve shapes and five muted colours, sanded and finished
    | with water-based paint. The blocks are cut to a common unit, so towers stay level and bridges line up.
    | They pack away into a cotton drawstring bag.
review: 5 ~ Marta ~ Beautifully made, and the colours are calm.
review: 5 ~ Jake ~ Two years of daily use and not a single splinter.
review: 4 ~ Noor ~ Lovely, but the bag is a little small for all hundred pieces.
qa: Is the paint safe for toddlers? ~ Yes, it is tested to EN 71-3 and toy-safe.
qa: Are there arches? ~ Yes, the set includes arches, cylinders, triangles and planks.
extra: The beech comes from FSC-certified forests in central Europe. The blocks are tested to the EN 71
    | toy safety standard.
== Sonic electric toothbrush with travel case
brand: Brightly
sku: BR-SET2-WHT
price: 69.00
category: Health & Beauty > Personal Care > Oral Care > Electric Toothbrushes
attr: modes=clean, sensitive, whitening; battery=up to 30 days; timer=2-minute timer with 30 s pacer;
    | charging=USB-C
copy: A sonic toothbrush with three cleaning modes and a two-minute timer that pulses every 30 seconds.
    | One charge lasts up to a month of brushing twice a day, and it charges over USB-C. A slim hard travel case
    | holds the brush and a spare head.
review: 5 ~ Clara ~ My dentist noticed the difference.
review: 4 ~ Abdul ~ Sensitive mode is great; whitening mode is loud.
review: 5 ~ Ingrid ~ The battery really does last a month.
qa: Are replacement heads available? ~ Yes, in packs of four.
qa: Is it waterproof? ~ It is rated IPX7, so it can be used in the shower.
extra: A pressure sensor dims the light ring when you press too hard. The brush heads have coloured rings,
    | so a family can share one handle.
== 18V brushless drill driver kit
brand: Torqwell
sku: TW-DD18-BL
price: 149.00
category: Hardware > Tools > Drills
attr: motor=brushless; max_torque=60 Nm; chuck=13 mm keyless; battery=2 x 2.0 Ah
copy: A compact 18 V brushless drill driver with 60 Nm of torque, two speeds and a 13 mm keyless chuck.
    | The kit includes two 2.0 Ah batteries, a fast charger and a carry case. An LED ring lights up the screw
    | head, not just the wall.
review: 5 ~ Steve ~ Plenty of power for masonry with the right bit.
review: 5 ~ Jolanta ~ Light and well balanced; two batteries means no waiting.
review: 4 ~ Pedro ~ A great drill, but the case is cramped.
qa: Does it have a hammer action? ~ No, this model is a drill driver; the combi version has a hammer action.
qa: Which batteries fit? ~ All Torqwell 18 V batteries.
extra: Twenty-one clutch settings help drive screws flush without stripping the heads. The belt clip can
    | be fitted on either side.
== First-flush Darjeeling loose-leaf tea, 100 g
brand: Kanchen Estate
sku: KE-DJ1F-100
price: 18.50
category: Food, Beverages & Tobacco > Beverages > Tea & Infusions
attr: harvest=spring first flush; origin=Darjeeling, India; weight=100 g; packaging=resealable kraft tin
copy: A bright, floral first-flush Darjeeling picked in early spring on a single estate. The liquor is
    | pale gold with notes of muscatel and fresh green apple. It is packed in a resealable tin to keep the
    | leaves fresh.
review: 5 ~ Margaret ~ Delicate and fragrant; best brewed at 85 °C.
review: 4 ~ Hiroshi ~ A lovely tea, if a little pricey.
review: 5 ~ Dev ~ It tastes like the tea I drank in Darjeeling.
qa: How should I brew it? ~ 2.5 g per 200 ml at 85-90 °C for three minutes.
qa: Is it organic? ~ The estate is certified organic.
extra: First-flush teas come from the first new shoots after winter, which gives a lighter, greener cup
    | than later harvests. Store the tin away from spices and coffee.
== Parachute nylon camping hammock
brand: Driftpine
sku: DP-HM-DBL
price: 39.00
category: Sporting Goods > Outdoor Recreation > Camping & Hiking > Hammocks
attr: size=280 x 190 cm; max_load=200 kg; weight=520 g; straps=tree-friendly straps with 20 loops
copy: A double-width hammock sewn from breathable parachute nylon that packs into its own pouch.
    | Tree-friendly straps with twenty loops make setting up quick and knot-free. It holds up to 200 kg.
review: 5 ~ Jonah ~ Set up in two minutes between two pines.
review: 4 ~ Birgit ~ Comfortable; add an underquilt below 15 °C.
review: 5 ~ Tariq ~ Packs down tiny.
qa: Are straps included? ~ Yes, two 3 m straps and two aluminium carabiners.
qa: Can two people use it? ~ Yes, up to 200 kg combined.
extra: Triple-stitched seams and reinforced gathered ends spread the load. The attached pouch doubles as a
    | pocket for a phone or torch.
== Wi-Fi smart plug with energy meter (2-pack)
brand: Voltloom
sku: VL-SP2-EM
price: 29.99
category: Electronics > Electronics Accessories > Power > Smart Plugs
attr: max_load=16 A / 3680 W; connectivity=2.4 GHz Wi-Fi; works_with=Alexa, Google Home, Matter;
    | plug_type=EU Schuko
copy: Two compact smart plugs that switch lamps and appliances from your phone, on a schedule or by voice.
    | Built-in energy metering shows what each device uses in real time. Local Matter control keeps them working
    | even when the cloud is down.
review: 5 ~ Femke ~ Setup took five minutes, and the energy readings are accurate.
review: 4 ~ Alan ~ Works well; the app asks for too many permissions.
review: 5 ~ Mirela ~ Saved me from leaving the heater on more than once.
qa: Do they need a hub? ~ No, they connect directly to 2.4 GHz Wi-Fi.
qa: Can they run a heater? ~ Yes, up to 3680 W.
extra: An away mode switches lights on at random times while you are on holiday. The plugs remember their
    | state after a power cut.
== Rattan sourdough proofing basket, 25 cm
brand: Crumb & Co.
sku: CC-BNT25
price: 22.00
category: Home & Garden > Kitchen & Dining > Kitchen Tools & Utensils > Baking Tools
attr: shape=oval; length=25 cm; material=natural rattan; includes=linen liner and dough scraper
copy: An oval rattan banneton that gives sourdough loaves their classic spiral flour pattern. It holds
    | about 750 g of dough and comes with a linen liner for stickier doughs. A dough scraper is included.
review: 5 ~ Louise ~ My loaves finally hold their shape.
review: 4 ~ Andrzej ~ Dust it well with rice flour before the first use.
review: 5 ~ Carmen ~ A great size for a standard loaf.
qa: How do I clean it? ~ Let it dry, then brush out the flour. Don't wash it with soap.
qa: Can I use it without the liner? ~ Yes, that is how you get the spiral pattern.
extra: Rattan draws moisture from the surface of the dough, which helps a crisp crust form. Dry the basket
    | fully between bakes to prevent mould.
== Anti-fog ski goggles, magnetic lens
brand: Alpenkeel
sku: AK-SG-MAG
price: 99.00
category: Sporting Goods > Outdoor Recreation > Winter Sports & Activities > Skiing & Snowboarding > Ski &
    | Snowboard Goggles
attr: lens=cylindrical, magnetic quick-change; light_transmission=14% sunny lens, 60% low-light lens;
    | fit=medium to large faces; helmet_compatible=yes
copy: Frameless ski goggles with magnetic lenses that swap in seconds, even with gloves on. Two lenses are
    | included: a mirrored one for bright days and a rose one for flat light. Triple-layer foam and an anti-fog
    | coating keep the view clear.
review: 5 ~ Benoit ~ The lens swap really is one-handed.
review: 4 ~ Kaja ~ A clear view all day, with slight pressure on the nose.
review: 5 ~ Liam ~ No fogging, even on the chairlift.
qa: Do they fit over glasses? ~ No, they are not designed to fit over glasses.
qa: Are they helmet compatible? ~ Yes, the strap has a silicone grip for helmets.
extra: Both lenses block 100% of UV radiation. The soft case has a separate pocket for the spare lens.
"""
)
